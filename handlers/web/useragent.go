package web

import (
	"strings"
	"sync"

	"github.com/medama-io/go-useragent"
	"github.com/medama-io/go-useragent/agents"
)

// uaParser reads User-Agent strings; it is built on first use (about 40 ms,
// from the library's embedded table) and only read afterwards.
var uaParser = sync.OnceValue(useragent.NewParser)

// osNames spell the library's operating systems as their makers do.
var osNames = map[agents.OS]string{agents.OSMacOS: "macOS"}

// agentWords says which browser on which system a User-Agent string names,
// for the account page's sessions and trusted computers: "Firefox 125 on
// Windows", "Safari 17 on iOS (phone)". A string it cannot read, such as a
// script's, is "An unknown browser" rather than the raw string.
func agentWords(ua string) string {
	a := uaParser().Parse(ua)
	browser := string(a.Browser())
	os := string(a.OS())
	if n, ok := osNames[a.OS()]; ok {
		os = n
	}
	if browser == "" {
		if os == "" {
			return "An unknown browser"
		}
		return "A browser on " + os
	}
	if v := a.BrowserVersionMajor(); v != "" && v != "0" {
		browser += " " + v
	}
	if strings.Contains(ua, "Headless") {
		browser += " (headless)"
	}
	words := browser
	if os != "" {
		words += " on " + os
	}
	switch a.Device() {
	case agents.DeviceMobile:
		words += " (phone)"
	case agents.DeviceTablet:
		words += " (tablet)"
	case agents.DeviceTV:
		words += " (TV)"
	}
	return words
}
