package verify

import (
	"net/http"
	"net/url"
	"strconv"
)

// Twilio's paging: PageSize from 1 to 1000, 50 when not sent; Page from 0.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// page is a page a list asks for.
type page struct {
	Number int // from 0
	Size   int
}

// Offset is how many items come before the page.
func (p page) Offset() int { return p.Number * p.Size }

// Limit is how many items to read for the page: one more than it holds,
// to know whether a next page exists.
func (p page) Limit() int { return p.Size + 1 }

// parsePage reads PageSize and Page from r (parsed by parseForm). The
// PageToken Twilio's next_page_url carries is not needed: pages are
// numbered, and the token of our own URLs is the page number again.
func parsePage(r *http.Request) (page, error) {
	p := page{Size: defaultPageSize}
	if n, ok, err := formInt(r, "PageSize"); err != nil {
		return page{}, err
	} else if ok {
		if n < 1 || n > maxPageSize {
			return page{}, invalidParam("PageSize")
		}
		p.Size = n
	}
	if n, ok, err := formInt(r, "Page"); err != nil {
		return page{}, err
	} else if ok {
		if n < 0 || n > 1<<20 {
			return page{}, invalidParam("Page")
		}
		p.Number = n
	}
	return p, nil
}

// meta is Twilio's paging block of a list answer.
type meta struct {
	Page            int     `json:"page"`
	PageSize        int     `json:"page_size"`
	FirstPageURL    string  `json:"first_page_url"`
	PreviousPageURL *string `json:"previous_page_url"`
	URL             string  `json:"url"`
	NextPageURL     *string `json:"next_page_url"`
	Key             string  `json:"key"`
}

// pageMeta is the paging block of page p of the list at path whose items
// are under key; more says whether a next page exists.
func (a *API) pageMeta(path, key string, p page, more bool) meta {
	at := func(n int) string {
		q := url.Values{"PageSize": {strconv.Itoa(p.Size)}, "Page": {strconv.Itoa(n)}}
		if n > 0 {
			q.Set("PageToken", "PT"+strconv.Itoa(n))
		}
		return a.url(path) + "?" + q.Encode()
	}
	m := meta{Page: p.Number, PageSize: p.Size, FirstPageURL: at(0), URL: at(p.Number), Key: key}
	if p.Number > 0 {
		prev := at(p.Number - 1)
		m.PreviousPageURL = &prev
	}
	if more {
		next := at(p.Number + 1)
		m.NextPageURL = &next
	}
	return m
}

// cut trims items, read with page.Limit, to the page and says whether a
// next page exists.
func cut[T any](items []T, p page) ([]T, bool) {
	if len(items) > p.Size {
		return items[:p.Size], true
	}
	return items, false
}
