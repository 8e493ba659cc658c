-- A knowledge base with everything the hierarchy repair handles: a section three deep, an article
-- with no section in its category (as Intercom has them), one with neither, one whose section's
-- category is gone; translations in a supported, an unsupported (is) and a regional (pt_BR)
-- locale, one that collides with the source (en-gb → en); links to another article and to one
-- that does not exist; an attachment.

INSERT INTO raw_agents (source_id, created_at, name, email, role, active) VALUES
    ('21', '2022-01-01 00:00:00', 'Grace Hopper', 'grace@support.example', 'agent', true),
    ('22', '2022-01-01 00:00:00', 'Gone Agent', 'gone@support.example', 'agent', false);

INSERT INTO raw_kb_categories (source_id, created_at, name, description, locale, position) VALUES
    ('1', '2023-01-01 00:00:00', 'Getting started', 'First things', 'en-us', 0),
    ('2', '2023-01-01 00:00:00', 'Devices', '', 'en-us', 1);

INSERT INTO raw_kb_sections (source_id, created_at, category_id, parent_section_id, name, description, locale, position) VALUES
    ('10', '2023-01-02 00:00:00', '1', NULL, 'Account', 'Your account', 'en-us', 0),
    ('11', '2023-01-02 00:00:00', '2', NULL, 'Phones', '', 'en-us', 0),
    ('12', '2023-01-02 00:00:00', '2', '11', 'Mobile', '', 'en-us', 0),
    ('13', '2023-01-02 00:00:00', '2', '12', 'Android', '', 'en-us', 0),
    ('14', '2023-01-02 00:00:00', '999', NULL, 'Lost section', '', 'en-us', 0);

INSERT INTO raw_kb_articles (source_id, created_at, section_id, category_id, title, body_html, state, author_id, position, source_locale, labels) VALUES
    ('100', '2023-02-01 00:00:00', '10', NULL, 'Sign in',
        '<p>See <a href="https://help.acme.example/hc/en-us/articles/101-Android-setup">Android</a> and <a href="https://help.acme.example/hc/en-us/articles/99999">old</a>.</p>',
        'published', '21', 0, 'en-us', ['faq']),
    ('101', '2023-02-02 00:00:00', '13', NULL, 'Android setup', '<p>Tap Settings.</p>', 'draft', '22', 0, 'en-us', []),
    ('102', '2023-02-03 00:00:00', NULL, '1', 'Welcome', '<p>Hello.</p>', 'published', '21', 1, 'en-us', []),
    ('103', '2023-02-04 00:00:00', NULL, NULL, 'Stray', '<p>No home.</p>', 'published', '21', 0, 'en-us', []),
    ('104', '2023-02-05 00:00:00', '14', NULL, 'Lost', '<p>Category gone.</p>', 'published', '21', 0, 'en-us', []),
    ('105', '2023-02-06 00:00:00', '11', NULL, 'Phones overview', '<p>Phones.</p>', 'published', '21', 0, 'en-us', []);

INSERT INTO raw_kb_translations (source_id, created_at, parent_type, parent_id, locale, title, body_html, state) VALUES
    ('500', '2023-02-01 00:00:00', 'article', '100', 'en-us', 'Sign in', '<p>source</p>', 'published'),
    ('501', '2023-02-01 00:00:00', 'article', '100', 'de', 'Anmelden',
        '<p>Siehe <a href="https://help.acme.example/hc/de/articles/101">Android</a>.</p>', 'published'),
    ('502', '2023-02-01 00:00:00', 'article', '100', 'is', 'Innskráning', '<p>is</p>', 'published'),
    ('503', '2023-02-01 00:00:00', 'article', '100', 'pt_BR', 'Entrar', '<p>pt</p>', 'draft'),
    ('504', '2023-02-02 00:00:00', 'article', '101', 'en-gb', 'Android set-up', '<p>gb</p>', 'draft'),
    ('510', '2023-01-01 00:00:00', 'category', '1', 'de', 'Erste Schritte', 'Das Erste', 'published'),
    ('511', '2023-01-02 00:00:00', 'section', '10', 'de', 'Konto', '', 'published'),
    ('512', '2023-01-02 00:00:00', 'section', '12', 'de', 'Mobil', '', 'published');

INSERT INTO raw_kb_attachments (source_id, created_at, article_id, file_name, content_type, size, content_url, inline) VALUES
    ('700', '2023-02-01 00:00:00', '100', 'screen.png', 'image/png', 42, 'https://help.acme.example/hc/article_attachments/700/screen.png', false);

-- The target directory.
INSERT INTO target_workspace VALUES ('abc123', 'Acme Support', 'US', '9001', 'owner@acme.example');
INSERT INTO target_admins VALUES ('9001', 'Owner', 'owner@acme.example'), ('9002', 'Grace', 'grace@support.example');
