package pipelines

import (
	"reflect"
	"strings"
	"testing"
)

func TestCredentials(t *testing.T) {
	p, err := Parse("acme.yaml", []byte(minimalFile))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    map[string]string
		wantErr []string // each must be in the error
	}{
		{
			name: "all set",
			env:  map[string]string{"ZENDESK_EMAIL": "a@acme.example", "ZENDESK_API_TOKEN": "hunter2-zd"},
			want: map[string]string{"email": "a@acme.example", "token": "hunter2-zd"},
		},
		{
			name:    "one missing",
			env:     map[string]string{"ZENDESK_EMAIL": "a@acme.example"},
			wantErr: []string{"acme.yaml:5: source.credentials.token_env: environment variable ZENDESK_API_TOKEN is not set"},
		},
		{
			name: "all missing or blank",
			env:  map[string]string{"ZENDESK_API_TOKEN": "  "},
			wantErr: []string{
				"acme.yaml:5: source.credentials.email_env: environment variable ZENDESK_EMAIL",
				"acme.yaml:5: source.credentials.token_env: environment variable ZENDESK_API_TOKEN",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := p.Source.Credentials(func(k string) string { return tt.env[k] })
			if len(tt.wantErr) == 0 {
				if err != nil || !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("Credentials = %v, %v; want %v", got, err, tt.want)
				}
				return
			}
			if err == nil || got != nil {
				t.Fatalf("Credentials = %v, %v; want an error", got, err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, v := range tt.env {
				if strings.TrimSpace(v) != "" && strings.Contains(err.Error(), v) {
					t.Errorf("error repeats a value: %v", err)
				}
			}
			if n := len(Problems(err)); n != len(tt.wantErr) {
				t.Errorf("%d problems, want %d", n, len(tt.wantErr))
			}
		})
	}
}

func TestCredentialsSandboxAndHandMade(t *testing.T) {
	sb := Endpoint{System: "zendesk", Sandbox: true}
	got, err := sb.Credentials(func(string) string { t.Fatal("sandbox read the environment"); return "" })
	if err != nil || len(got) != 0 {
		t.Errorf("sandbox Credentials = %v, %v; want empty", got, err)
	}
	// An Endpoint built in code has no file position; its errors still name variable and field.
	e := Endpoint{System: "intercom", CredentialEnv: map[string]string{"token": "INTERCOM_TOKEN"}}
	_, err = e.Credentials(func(string) string { return "" })
	if err == nil || err.Error() != "credentials.token_env: environment variable INTERCOM_TOKEN is not set (or is empty)" {
		t.Errorf("err = %v", err)
	}
}

func TestEndpointStringHasNoCredentials(t *testing.T) {
	e := Endpoint{System: "zendesk", BaseURL: "https://acme.zendesk.com", CredentialEnv: map[string]string{"token": "ZENDESK_API_TOKEN"}}
	if got := e.String(); got != "zendesk at https://acme.zendesk.com" {
		t.Errorf("String() = %q", got)
	}
}

func TestLooksSecret(t *testing.T) {
	for key, want := range map[string]bool{
		"api_key": true, "apiKey": true, "client_secret": true, "access-token": true, "password": true,
		"comments": false, "page_size": false, "tokenizer": false, "secretary_mode": false,
	} {
		if got := looksSecret(key); got != want {
			t.Errorf("looksSecret(%q) = %v, want %v", key, got, want)
		}
	}
}
