package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// verifyNodeDir holds the app on Twilio's Node.js helper library, its
// package.json and the package-lock.json that pins the twilio package.
const verifyNodeDir = "testdata/verify-node"

// nodeTool returns the path of node or npm, or skips the test without it
// (fails it when PHONEGATE_NODE_TESTS=required, as CI sets).
func nodeTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		nodeSkip(t, "%s is not installed (%v): the tests of the Node.js client need Node.js and npm", name, err)
	}
	return p
}

// nodeSkip skips t, or fails it when the Node.js tests are required.
func nodeSkip(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("PHONEGATE_NODE_TESTS") == "required" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (PHONEGATE_NODE_TESTS=required makes this a failure)", args...)
}

// verifyNodeModules returns the node_modules folder of the app's locked
// dependencies, installed by npm ci once per lock file into the user's
// cache folder (a temporary one when there is none), outside the tree.
func verifyNodeModules(t *testing.T) string {
	t.Helper()
	npm := nodeTool(t, "npm")
	sum := sha256.New()
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(verifyNodeDir, name))
		if err != nil {
			t.Fatal(err)
		}
		sum.Write(b)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = t.TempDir()
	}
	dir := filepath.Join(base, "phonegate-tests", "verify-node-"+hex.EncodeToString(sum.Sum(nil))[:16])
	modules := filepath.Join(dir, "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "twilio", "package.json")); err == nil {
		return modules
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(verifyNodeDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		nodeSkip(t, "npm ci of %s: %v\n%s", verifyNodeDir, err, out)
	}
	// Another run may have installed the same lock meanwhile: its folder is
	// as good as this one.
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(modules); serr != nil {
			t.Fatalf("install %s: %v", dir, err)
		}
	}
	return modules
}

// runVerifyNodeApp runs the app with env (besides PATH and NODE_PATH, and
// none of the TWILIO_ variables that would move its hosts) and returns
// what it printed.
func runVerifyNodeApp(t *testing.T, env ...string) []byte {
	t.Helper()
	node := nodeTool(t, "node")
	modules := verifyNodeModules(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(verifyNodeDir, "app.js"))
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "NODE_PATH=" + modules}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node app: %v\n%s", err, stderr.String())
	}
	return out
}
