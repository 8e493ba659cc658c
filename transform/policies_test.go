package transform

import "testing"

func TestNormalisePhone(t *testing.T) {
	tests := []struct {
		raw, region string
		want        Phone
	}{
		{"+14155552671", "", Phone{Raw: "+14155552671", E164: "+14155552671"}},
		{"+44 20 7946 0000", "", Phone{Raw: "+44 20 7946 0000", E164: "+442079460000", Code: phoneNormalised, Reason: "normalised to E.164"}},
		{"+81-3-1234-5678", "US", Phone{Raw: "+81-3-1234-5678", E164: "+81312345678", Code: phoneNormalised, Reason: "normalised to E.164"}},
		{"(415) 555-2671", "US", Phone{Raw: "(415) 555-2671", E164: "+14155552671", Code: phoneNormalised, Reason: "normalised to E.164"}},
		{"020 7946 0000", "GB", Phone{Raw: "020 7946 0000", E164: "+442079460000", Code: phoneNormalised, Reason: "normalised to E.164"}},
		{"(415) 555-2671", "", Phone{Raw: "(415) 555-2671", Code: phoneInvalid, Reason: "no country code, and no phones.default_region to read it with"}},
		{"call me", "US", Phone{Raw: "call me", Code: phoneInvalid, Reason: "not a phone number (the phone number supplied is not a number)"}},
		{"+1 (555) CALL-NOW", "", Phone{Raw: "+1 (555) CALL-NOW", Code: phoneInvalid, Reason: "not a valid number for its country"}},
		{"12345", "US", Phone{Raw: "12345", Code: phoneInvalid, Reason: "not a valid number for its country"}},
	}
	for _, tt := range tests {
		t.Run(tt.raw+"/"+tt.region, func(t *testing.T) {
			if got := NormalisePhone(tt.raw, tt.region); got != tt.want {
				t.Errorf("NormalisePhone(%q, %q) = %+v, want %+v", tt.raw, tt.region, got, tt.want)
			}
		})
	}
}
