package handlers_test

import (
	"strings"
	"testing"
)

// TestMemberListHidesWhetherAnAccountExisted: invited in capitals, an
// address with an account and one without are listed alike, although the
// store keeps the first in its owner's spelling and the second in the
// inviter's.
func TestMemberListHidesWhetherAnAccountExisted(t *testing.T) {
	h := newTwoFactor(t, withMailbox())
	h.addUser("mallory@example.com", goodPassword, "Mallory")
	_, evecorp := h.addUser("eve@example.com", goodPassword, "EveCorp")
	eve := h.as("eve@example.com")
	addByPage(t, eve, evecorp.ID, "MALLORY@EXAMPLE.COM", "developer")
	addByPage(t, eve, evecorp.ID, "NOBODY@EXAMPLE.COM", "developer")
	_, page := eve.get("/projects/" + strconvFormat(evecorp.ID) + "/members")
	for _, want := range []string{"mallory@example.com", "nobody@example.com"} {
		if !strings.Contains(page, want) {
			t.Errorf("the member list lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "NOBODY@EXAMPLE.COM") {
		t.Errorf("the member list shows the new account in the inviter's spelling, which tells it apart:\n%s", page)
	}
}
