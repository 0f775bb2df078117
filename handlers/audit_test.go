package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

func TestAuditLogPages(t *testing.T) {
	h, p := team(t)
	ctx := context.Background()
	// project.created is event 1 of the project, the admin's login event 2; add 119 more.
	b := h.as("admin@example.com")
	for i := range 119 {
		if err := h.db.AddAudit(ctx, phonegate.AuditEvent{ProjectID: p.ID, Kind: "test.event",
			Detail: fmt.Sprintf("event %03d", i+2), At: h.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	path := "/projects/" + strconvFormat(p.ID) + "/audit"
	details := regexp.MustCompile(`event (\d{3})`)
	older := regexp.MustCompile(`href="(/projects/\d+/audit\?before=\d+)"`)

	var pages [][]string
	next := path
	for next != "" {
		res, body := b.get(strings.ReplaceAll(next, "&amp;", "&"))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: got %d", next, res.StatusCode)
		}
		var seen []string
		for _, m := range details.FindAllStringSubmatch(body, -1) {
			seen = append(seen, m[1])
		}
		pages = append(pages, seen)
		next = ""
		if m := older.FindStringSubmatch(body); m != nil {
			next = m[1]
		}
		if len(pages) > 5 {
			t.Fatal("the pages do not end")
		}
	}
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	if len(pages[0]) != 50 || pages[0][0] != "120" || pages[0][49] != "071" {
		t.Errorf("first page: %d events from %v to %v, want 50 from 120 to 071", len(pages[0]), pages[0][0], pages[0][49])
	}
	if len(pages[1]) != 50 || pages[1][0] != "070" {
		t.Errorf("second page starts at %v with %d events", pages[1][0], len(pages[1]))
	}
	if len(pages[2]) != 19 || pages[2][18] != "002" {
		t.Errorf("last page: %d events", len(pages[2]))
	}
}

func TestAuditLogAccess(t *testing.T) {
	tests := []struct {
		email string
		want  int
	}{
		{"owner@example.com", http.StatusOK},
		{"admin@example.com", http.StatusOK},
		{"dev@example.com", http.StatusForbidden},
		{"stranger@example.com", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			h, p := team(t)
			res, _ := h.as(tt.email).get("/projects/" + strconvFormat(p.ID) + "/audit")
			if res.StatusCode != tt.want {
				t.Errorf("got %d, want %d", res.StatusCode, tt.want)
			}
		})
	}
}
