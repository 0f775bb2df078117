package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	verify "github.com/twilio/twilio-go/rest/verify/v2"
)

// secretOnPage is the secret a created-key page shows.
var secretOnPage = regexp.MustCompile(`id="apikey-secret">([0-9a-f]{64})<`)

// sidOnPage is the key SID a created-key page shows.
var sidOnPage = regexp.MustCompile(`id="apikey-sid">(SK[0-9a-f]{32})<`)

// TestSettingsAPIKeys: an owner with an elevated session creates a key,
// sees its secret once, which twilio-go can use at once; the settings page
// lists the key with its last use; revoking it shuts the API to it; all of
// it is in the audit log, in words, never the secret.
func TestSettingsAPIKeys(t *testing.T) {
	h, p := team(t)
	b := h.as("owner@example.com")
	path := elevate(t, b, p.ID)
	keys := "/projects/" + strconvFormat(p.ID) + "/apikeys"

	res, at, body := b.follow(b.post(keys, url.Values{"name": {" billing app "}}))
	if res.StatusCode != http.StatusSeeOther || at != keys+"/created" {
		t.Fatalf("create: got %d at %q, want the created page\n%s", res.StatusCode, at, body)
	}
	sm, km := secretOnPage.FindStringSubmatch(body), sidOnPage.FindStringSubmatch(body)
	if sm == nil || km == nil {
		t.Fatalf("the created page shows no SID or secret:\n%s", body)
	}
	sid, secret := km[1], sm[1]
	if _, again := b.get(keys + "/created"); strings.Contains(again, secret) || !strings.Contains(again, "already shown") {
		t.Errorf("the secret is shown a second time:\n%s", again)
	}

	c := h.twilioClient(sid, secret).VerifyV2
	if _, err := c.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Billing")); err != nil {
		t.Fatalf("the new key does not work: %v", err)
	}
	_, page := b.get(path)
	if !strings.Contains(page, "<code>"+sid+"</code>") || !strings.Contains(page, "billing app") || strings.Contains(page, secret) {
		t.Errorf("the settings page does not list the key (or shows its secret):\n%s", page)
	}
	if strings.Contains(page, "Never") {
		t.Errorf("a used key shows as never used:\n%s", page)
	}

	res, at, body = b.follow(b.post(keys+"/revoke", url.Values{"sid": {sid}}))
	if res.StatusCode != http.StatusSeeOther || at != path || !strings.Contains(body, "was revoked") {
		t.Errorf("revoke: got %d to %q\n%s", res.StatusCode, at, body)
	}
	if strings.Contains(body, "<code>"+sid+"</code>") {
		t.Errorf("a revoked key is still listed:\n%s", body)
	}
	if _, err := c.FetchService("VA00000000000000000000000000000000"); err == nil || restError(t, err).Code != 20003 {
		t.Errorf("a revoked key still gets in: %v", err)
	}
	res, at, body = b.follow(b.post(keys+"/revoke", url.Values{"sid": {sid}}))
	expectFormError(t, res, at, body, path, "That key is not one of this project's API keys")

	_, audit := b.get("/projects/" + strconvFormat(p.ID) + "/audit")
	for _, want := range []string{"API key created", "API key revoked", "Verify service created", "billing app"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log does not say %q", want)
		}
	}
	if strings.Contains(audit, secret) || strings.Contains(h.logs.String(), secret) {
		t.Error("the secret is in the audit log or the logs")
	}
}

// TestSettingsAPIKeysRefused: no name, a name that is not text, a session
// not elevated, and a developer are refused, and no key is made.
func TestSettingsAPIKeysRefused(t *testing.T) {
	h, p := team(t)
	keys := "/projects/" + strconvFormat(p.ID) + "/apikeys"

	owner := h.as("owner@example.com")
	path := elevate(t, owner, p.ID)
	res, at, body := owner.follow(owner.post(keys, url.Values{"name": {"  "}}))
	expectFormError(t, res, at, body, path, "Name the key")
	for _, name := range []string{"cron\x80", "cron\u202e"} { // not UTF-8; a bidi override
		res, at, body = owner.follow(owner.post(keys, url.Values{"name": {name}}))
		expectFormError(t, res, at, body, path, "Name the key")
	}

	admin := h.as("admin@example.com")
	admin.get(path)
	res, at, body = admin.follow(admin.post(keys, url.Values{"name": {"cron"}}))
	expectFormError(t, res, at, body, path, "password")

	dev := h.as("dev@example.com")
	dev.get(path)
	if res, _ := dev.post(keys, url.Values{"name": {"cron"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a developer's create: got %d, want 403", res.StatusCode)
	}
	if _, page := dev.get(path); !strings.Contains(page, "No API keys yet.") {
		t.Errorf("the developer's settings page:\n%s", page)
	}
	if ks, err := h.db.APIKeys(context.Background(), p.ID); err != nil || len(ks) != 0 {
		t.Errorf("keys after the refusals = %d, %v; want none", len(ks), err)
	}
}

// TestProjectPageListsServices: the project page lists the project's
// Verify services with a link to each one's page, and no other project's.
func TestProjectPageListsServices(t *testing.T) {
	v := newVerifyAPI(t)
	s, err := v.client.VerifyV2.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Apollo Login"))
	if err != nil {
		t.Fatal(err)
	}
	eve, other := v.addUser("eve@example.com", goodPassword, "Gemini")
	ek := v.newKey(eve, other, "eve's")
	if _, err := v.twilioClient(ek.SID, ek.Secret).VerifyV2.CreateService(
		new(verify.CreateServiceParams).SetFriendlyName("Gemini Secret")); err != nil {
		t.Fatal(err)
	}
	b := v.browser()
	b.login("ada@example.com", goodPassword)
	_, page := b.get("/projects/" + strconvFormat(v.project.ID))
	link := `href="/projects/` + strconvFormat(v.project.ID) + `/verify/` + *s.Sid + `"`
	if !strings.Contains(page, link) || !strings.Contains(page, "Apollo Login") || !strings.Contains(page, "<code>"+*s.Sid+"</code>") {
		t.Errorf("the project page does not list the service (%s):\n%s", link, page)
	}
	if strings.Contains(page, "Gemini Secret") {
		t.Error("the project page lists another project's service")
	}
}
