package gen

import (
	"html"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The pools mix scripts on purpose: accents, CJK, right-to-left text and
// emoji are what breaks naive encoders, collations and truncation.
var (
	firstNames = []string{
		"Ana", "José", "Zoë", "Björn", "Łukasz", "Søren", "Anaïs", "Iñaki", "Ngozi", "Mei",
		"Hiroshi", "Priya", "Olúwa", "François", "Jürgen", "Chloé", "Dmitri", "Fatima", "Liam",
		"Emma", "Noah", "Olivia", "Sven", "Ayşe", "Nguyễn", "Иван", "María", "Tomás", "Kwame", "Sofía",
		"伟", "芳", "さくら", "翔太", "지민", "Ahmed", "Zeynep", "Joaquín", "Małgorzata", "Ōta",
	}
	lastNames = []string{
		"García", "Müller", "Øster", "Nowak", "Dubois", "O'Brien", "Smith", "Johnson", "Kowalski",
		"Sánchez", "Yılmaz", "Nakamura", "佐藤", "王", "李", "김", "Ivanova", "Petrović", "Núñez",
		"Schäfer", "Lefèvre", "Okafor", "Haddad", "Brown", "Virtanen", "Ångström", "Đorđević", "Trần",
	}
	companyHeads = []string{
		"Acme", "Müller", "Nordlicht", "Sakura", "Globex", "Initech", "Umbrella", "Soylent", "Café Olé",
		"Zürich", "Blue Harbor", "Red Maple", "北京星辰", "株式会社さくら", "Ñandú", "Øresund", "Łódź",
		"Hooli", "Vandelay", "Wonka", "Stark", "Tyrell", "Cyberdyne", "Aperture", "Dunder",
	}
	companyTails = []string{
		"GmbH", "Inc.", "Ltd", "S.A.", "AG", "Corp", "& Co.", "SARL", "KK", "BV", "Oy", "LLC", "Group",
	}
	subjectHeads = []string{
		"Cannot log in to my account", "Refund request", "Invoice for March is missing",
		"Rechnung fehlt", "Problème de paiement 💳", "注文がまだ届きません", "账户无法登录",
		"App crashes on startup", "Password reset email never arrives", "Wrong item delivered 📦",
		"Upgrade to the annual plan", "Data export is empty", "API returns 500", "Café order issue ☕",
		"¿Dónde está mi pedido?", "Two-factor code not working 🔐", "Cancel subscription",
		"Feature request: dark mode 🌙", "Zahlung doppelt abgebucht", "Login-Probleme seit Update",
		"Слишком медленно работает", "طلب استرداد", "Shipping address change", "Bulk import failed",
	}
	sentences = []string{
		"I have tried everything in the help center but nothing works.",
		"Could you please look into this as soon as possible?",
		"Thanks for reaching out, we are looking into it.",
		"Merci de votre patience, nous revenons vers vous rapidement.",
		"Vielen Dank für Ihre Geduld – wir melden uns gleich.",
		"ご不便をおかけして申し訳ございません。",
		"我们已经收到您的请求，会尽快处理。",
		"The issue started right after yesterday's update 😕",
		"Could you send a screenshot of the error message?",
		"I've attached the log file from this morning.",
		"Here is my order number, as requested.",
		"This is urgent, our whole team is blocked!!! 🔥",
		"We've escalated this to our engineering team.",
		"Lo siento mucho por las molestias ocasionadas.",
		"Please try clearing the cache and logging in again.",
		"It still doesn't work, same error as before.",
		"Great, that fixed it — thank you so much! 🎉",
		"Ça ne marche toujours pas après la mise à jour.",
		"Let me know if there is anything else I can help with.",
		"Das Problem tritt nur in Safari auf, nicht in Chrome.",
		"The refund will show up on your statement within 5–7 business days.",
		"Our records show the payment went through on the 3rd.",
		"Приложение закрывается сразу после запуска.",
		"شكرا لتواصلك معنا، سنرد عليك قريبا.",
		"I'm adding my colleague in CC so she can follow along.",
		"Is there a workaround we can use in the meantime?",
	}
	tagPool = []string{
		"vip", "billing", "refund", "bug", "login", "mobile", "ios", "android", "feature_request",
		"shipping", "enterprise", "trial", "churn_risk", "urgent_followup", "api", "sso", "gdpr",
	}
	locales   = []string{"en-US", "en-GB", "fr", "de", "ja", "zh-cn", "es", "pt-BR", "ko", "ru", "ar", "nl"}
	timeZones = []string{
		"Eastern Time (US & Canada)", "Pacific Time (US & Canada)", "London", "Paris", "Berlin",
		"Tokyo", "Beijing", "Madrid", "Brasilia", "Seoul", "Moscow", "UTC", "Amsterdam", "Sydney",
	}
	invalidPhones = []string{"12345", "call me", "n/a", "+1 (555) CALL-NOW", "0000", "--", "see email"}
)

// pick returns a random element of a pool.
func pick(r *rand.Rand, pool []string) string { return pool[r.IntN(len(pool))] }

// personName returns a unicode full name.
func personName(r *rand.Rand) string {
	return pick(r, firstNames) + " " + pick(r, lastNames)
}

// asciiFold spells common accented Latin letters in ASCII for slugs.
var asciiFold = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "ae", "å", "aa", "ã", "a", "ç", "c", "é", "e", "è", "e", "ê", "e",
	"ë", "e", "í", "i", "ï", "i", "ñ", "n", "ó", "o", "ô", "o", "ö", "oe", "ø", "oe", "ō", "o", "ú", "u",
	"ü", "ue", "ý", "y", "ł", "l", "ś", "s", "ş", "s", "ż", "z", "đ", "d", "ð", "d", "ß", "ss", "ễ", "e",
	"ı", "i", "ğ", "g", "ć", "c", "č", "c", "ą", "a", "ę", "e", "ń", "n", "ầ", "a",
)

// slug turns a name into an ASCII local part for e-mail addresses; the
// index appended by the caller keeps addresses unique.
func slug(s string) string {
	var b strings.Builder
	for _, c := range asciiFold.Replace(strings.ToLower(s)) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == ' ' || c == '-' || c == '.':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), ".") {
				b.WriteByte('.')
			}
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		return "user"
	}
	return out
}

// phone returns "" (no phone), a valid number in one of several formats, or
// an invalid value about 10% of the time.
func phone(r *rand.Rand) string {
	switch n := r.IntN(100); {
	case n < 30:
		return ""
	case n < 37:
		return pick(r, invalidPhones)
	case n < 60:
		return "+1415555" + pad4(r.IntN(10000))
	case n < 80:
		return "+44 20 7946 " + pad4(r.IntN(10000))
	default:
		return "+81-3-" + pad4(r.IntN(10000)) + "-" + pad4(r.IntN(10000))
	}
}

func pad4(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 4-len(s)) + s
}

// tags returns 0..max distinct tags from the pool.
func tags(r *rand.Rand, max int) []string {
	n := r.IntN(max + 1)
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for len(out) < n {
		t := pick(r, tagPool)
		if !contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// InlineSrc is the placeholder an HTML body uses for an inline image; a
// simulator replaces it with the attachment's URL on its platform.
func InlineSrc(attachmentID int64) string {
	return "deskport-attachment:" + strconv.FormatInt(attachmentID, 10)
}

// body writes n sentences as plain text and as HTML. Inline images are
// placed after the first paragraph, as pasted screenshots usually are.
func body(r *rand.Rand, n int, inline []Attachment) (plain, htmlBody string) {
	var p, h strings.Builder
	for i := 0; i < n; i++ {
		s := pick(r, sentences)
		if i > 0 {
			p.WriteString("\n\n")
		}
		p.WriteString(s)
		h.WriteString("<p>")
		if r.IntN(10) == 0 {
			h.WriteString("<strong>" + html.EscapeString(s) + "</strong>")
		} else {
			h.WriteString(html.EscapeString(s))
		}
		h.WriteString("</p>")
		if i == 0 {
			for _, a := range inline {
				h.WriteString(`<p><img src="` + InlineSrc(a.ID) + `" alt="` + html.EscapeString(a.FileName) + `"></p>`)
			}
		}
	}
	return p.String(), `<div class="zd-comment" dir="auto">` + h.String() + `</div>`
}

// sentenceCount is mostly short, sometimes long.
func sentenceCount(r *rand.Rand) int {
	if r.IntN(20) == 0 {
		return 6 + r.IntN(10)
	}
	return 1 + r.IntN(3)
}
