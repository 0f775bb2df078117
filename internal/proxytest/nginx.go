package proxytest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// NginxServerFor is the server block of the README's nginx section for
// cfg, listening on listen: auth_request asks the gate's /auth/request
// about every request, auth_request_set passes the identity headers to the
// app, and a 401 of the check becomes the redirect to the login page the
// gate named in its Location (the original URL escaped into rd, which
// nginx cannot do), or stays a 401 when the gate named none (an API call).
func NginxServerFor(cfg Config, listen string) string {
	var set, pass strings.Builder
	for _, h := range RemoteHeaders {
		v := strings.ToLower(strings.ReplaceAll(h, "-", "_")) // remote_user
		fmt.Fprintf(&set, "\t\tauth_request_set $phonegate_%s $upstream_http_%s;\n", v, v)
		fmt.Fprintf(&pass, "\t\tproxy_set_header %s $phonegate_%s;\n", h, v)
	}
	return fmt.Sprintf(`server {
	listen %s;
	server_name %s;

	location / {
		auth_request /_phonegate;
%s%s		auth_request_set $phonegate_login $upstream_http_location;
		error_page 401 = @phonegate_login;
		proxy_pass http://%s;
	}

	location = /_phonegate {
		internal;
		proxy_pass http://%s/auth/request;
		proxy_pass_request_body off;
		proxy_set_header Content-Length "";
		proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
		proxy_set_header X-Original-Method $request_method;
	}

	location @phonegate_login {
		if ($phonegate_login = "") {
			return 401;
		}
		return 302 $phonegate_login;
	}
}
`, listen, cfg.Host, set.String(), pass.String(), cfg.Upstream, cfg.Gate)
}

// Nginx runs nginx for the test in front of cfg.Upstream, in the
// foreground, with every file it writes in a temporary folder.
func Nginx(t testing.TB, cfg Config) *Proxy {
	t.Helper()
	bin := need(t, "nginx", "nginx")
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil { // the workers run as nobody
		t.Fatal(err)
	}
	for _, d := range []string{"logs", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	addr := listenAddr(t)
	user := ""
	if os.Geteuid() == 0 {
		user = "user nobody nogroup;\n" // the workers may not stay root
	}
	conf := write(t, dir, "nginx.conf", fmt.Sprintf(`%sdaemon off;
master_process on;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path %[2]s/tmp/body;
	proxy_temp_path %[2]s/tmp/proxy;
	fastcgi_temp_path %[2]s/tmp/fastcgi;
	uwsgi_temp_path %[2]s/tmp/uwsgi;
	scgi_temp_path %[2]s/tmp/scgi;
%[3]s}
`, user, dir, NginxServerFor(cfg, addr)))
	cmd := exec.Command(bin, "-p", dir, "-c", conf, "-e", "stderr")
	run(t, cmd, addr, filepath.Join(dir, "nginx.log"))
	return &Proxy{Addr: addr, Host: cfg.Host}
}
