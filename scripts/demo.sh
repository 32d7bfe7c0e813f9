#!/usr/bin/env bash
# The whole product at once: nginx with ngx_http_hstsguard_module, Apache with
# mod_hstsguard, the Django example under gunicorn (behind nothing) and the Express example,
# all on 127.0.0.1 with one policy document (examples/policy.toml; Django's example
# settings say the same in Django's words) and a test CA made here. Each stack is scanned
# with `hstsguard scan example.com --connect-to ...` and the results are printed side by
# side: the four stacks behave identically.
#
#   bash scripts/demo.sh          (also: make demo)
#
# Builds what it needs with the project's own scripts (scripts/test-servers.sh build,
# scripts/test-python.sh setup, the Node addon), then stops every process it started, by
# pid, and removes its temporary directory.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

DEMO="$(mktemp -d "${TMPDIR:-/tmp}/hstsguard-demo.XXXXXX")"
chmod 755 "$DEMO"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$DEMO"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_port PORT NAME LOG: until something listens on 127.0.0.1:PORT (10 s).
wait_port() {
  local i
  for i in $(seq 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$2 did not start on 127.0.0.1:$1; its log:" >&2
  tail -20 "$3" >&2 || true
  exit 1
}

# ---------------------------------------------------------------- builds
need_cargo
step "cargo build --release -p hstsguard-cli"
cargo build -q --release -p hstsguard-cli
HSTSGUARD="$ROOT/target/release/hstsguard"

step "nginx and Apache modules (scripts/test-servers.sh build)"
bash scripts/test-servers.sh build
NGINX_SO="$ROOT/target/servers/ngx_http_hstsguard_module.so"
APACHE_SO="$ROOT/target/servers/mod_hstsguard.so"

step "Python wheel and Django (scripts/test-python.sh, setup stage) + gunicorn"
HSTSGUARD_PY_STAGE=setup bash scripts/test-python.sh
VENV="${HSTSGUARD_VENV:-$ROOT/target/py-venv}"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "gunicorn>=23"

step "Node addon and the Express example"
need_node
(cd bindings/node && npm install --no-audit --no-fund --loglevel=error >/dev/null && npm run build --silent >/dev/null)
(cd examples/express && npm install --no-audit --no-fund --loglevel=error >/dev/null)

# ---------------------------------------------------------------- test CA
step "test CA and a certificate for example.com and www.example.com"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
  -keyout "$DEMO/ca.key" -out "$DEMO/ca.pem" -subj "/CN=hstsguard demo CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$DEMO/site.key" -out "$DEMO/site.csr" -subj "/CN=example.com" 2>/dev/null
printf 'subjectAltName=DNS:example.com,DNS:www.example.com\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$DEMO/site.ext"
openssl x509 -req -in "$DEMO/site.csr" -CA "$DEMO/ca.pem" -CAkey "$DEMO/ca.key" -CAcreateserial \
  -days 365 -extfile "$DEMO/site.ext" -out "$DEMO/site.pem" 2>/dev/null
chmod 644 "$DEMO/site.key"
POLICY="$ROOT/examples/policy.toml"

# ---------------------------------------------------------------- the application behind nginx and Apache
# The same answer as the Express example's `/`: a session cookie the application did not flag.
UP=$(free_port)
cat >"$DEMO/upstream.py" <<'EOF'
import http.server, sys
class App(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Set-Cookie", "sessionid=demo; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), App).serve_forever()
EOF
python3 "$DEMO/upstream.py" "$UP" >"$DEMO/upstream.log" 2>&1 &
PIDS+=($!)

USER_NGINX=""; USER_APACHE=""
if [ "$(id -u)" = 0 ]; then USER_NGINX="user nobody nogroup;"; USER_APACHE=$'User nobody\nGroup nogroup'; fi

# ---------------------------------------------------------------- nginx
N80=$(free_port); N443=$(free_port)
mkdir -p "$DEMO/nginx/tmp"
cat >"$DEMO/nginx/nginx.conf" <<EOF
load_module $NGINX_SO;
daemon off;
worker_processes 1;
$USER_NGINX
pid $DEMO/nginx/nginx.pid;
error_log $DEMO/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $DEMO/nginx/tmp/body;
    proxy_temp_path $DEMO/nginx/tmp/proxy;
    fastcgi_temp_path $DEMO/nginx/tmp/fastcgi;
    uwsgi_temp_path $DEMO/nginx/tmp/uwsgi;
    scgi_temp_path $DEMO/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$N80;
        listen 127.0.0.1:$N443 ssl;
        server_name example.com www.example.com;
        ssl_certificate $DEMO/site.pem;
        ssl_certificate_key $DEMO/site.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        hstsguard on;
        hstsguard_policy $POLICY;
        location / { proxy_pass http://127.0.0.1:$UP; }
    }
}
EOF
nginx -p "$DEMO/nginx" -c "$DEMO/nginx/nginx.conf" >"$DEMO/nginx/stdout.log" 2>&1 &
PIDS+=($!)

# ---------------------------------------------------------------- Apache
A80=$(free_port); A443=$(free_port)
MODS=/usr/lib/apache2/modules
mkdir -p "$DEMO/apache"
cat >"$DEMO/apache/httpd.conf" <<EOF
ServerRoot "$DEMO/apache"
DefaultRuntimeDir "$DEMO/apache"
PidFile "$DEMO/apache/httpd.pid"
ErrorLog "$DEMO/apache/error.log"
Mutex file:$DEMO/apache default
Listen 127.0.0.1:$A80
Listen 127.0.0.1:$A443
LoadModule mpm_event_module $MODS/mod_mpm_event.so
LoadModule authz_core_module $MODS/mod_authz_core.so
LoadModule mime_module $MODS/mod_mime.so
LoadModule proxy_module $MODS/mod_proxy.so
LoadModule proxy_http_module $MODS/mod_proxy_http.so
LoadModule ssl_module $MODS/mod_ssl.so
LoadModule hstsguard_module $APACHE_SO
$USER_APACHE
TypesConfig /etc/mime.types
ServerName example.com
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
HstsGuard On
HstsGuardPolicy $POLICY
<VirtualHost 127.0.0.1:$A80>
    ServerName example.com
    ServerAlias www.example.com
    ProxyPass / http://127.0.0.1:$UP/
</VirtualHost>
<VirtualHost 127.0.0.1:$A443>
    ServerName example.com
    ServerAlias www.example.com
    SSLEngine on
    SSLCertificateFile "$DEMO/site.pem"
    SSLCertificateKeyFile "$DEMO/site.key"
    ProxyPass / http://127.0.0.1:$UP/
</VirtualHost>
EOF
apache2 -f "$DEMO/apache/httpd.conf" -DFOREGROUND >"$DEMO/apache/stdout.log" 2>&1 &
PIDS+=($!)

# ---------------------------------------------------------------- Django under gunicorn (no proxy)
D80=$(free_port); D443=$(free_port)
for spec in "$D80:" "$D443:tls"; do
  port="${spec%%:*}"
  tls=()
  [ "${spec#*:}" = tls ] && tls=(--certfile "$DEMO/site.pem" --keyfile "$DEMO/site.key")
  (cd examples/django && exec "$VENV/bin/gunicorn" -b "127.0.0.1:$port" -w 1 "${tls[@]}" \
    exampleproject.wsgi:application) >"$DEMO/django-$port.log" 2>&1 &
  PIDS+=($!)
done

# ---------------------------------------------------------------- Express (the example app, plus an HTTPS listener)
E80=$(free_port); E443=$(free_port)
# app.js listens on plain HTTP only; this preload makes its app also listen over TLS,
# with node's own https server and the same application object.
cat >"$DEMO/tls-listen.js" <<'EOF'
const fs = require('node:fs')
const https = require('node:https')
const path = require('node:path')
const express = require(require.resolve('express', { paths: [path.resolve('examples/express')] }))
const listen = express.application.listen
express.application.listen = function (...args) {
  const tls = { key: fs.readFileSync(process.env.DEMO_KEY), cert: fs.readFileSync(process.env.DEMO_CERT) }
  https.createServer(tls, this).listen(Number(process.env.TLS_PORT), '127.0.0.1')
  return listen.apply(this, args)
}
EOF
PORT="$E80" TLS_PORT="$E443" DEMO_KEY="$DEMO/site.key" DEMO_CERT="$DEMO/site.pem" \
  node -r "$DEMO/tls-listen.js" examples/express/app.js >"$DEMO/express.log" 2>&1 &
PIDS+=($!)

step "waiting for the servers"
wait_port "$N443" nginx "$DEMO/nginx/error.log"
wait_port "$A443" Apache "$DEMO/apache/error.log"
wait_port "$D443" "Django (gunicorn)" "$DEMO/django-$D443.log"
wait_port "$E443" Express "$DEMO/express.log"

# ---------------------------------------------------------------- scans
step "hstsguard scan example.com --connect-to ... (one scan per stack)"
# scan NAME HTTP_PORT HTTPS_PORT: every name to this stack's ports (the first matching
# --connect-to rule wins).
scan() {
  local rc=0
  "$HSTSGUARD" scan example.com --json --ca-file "$DEMO/ca.pem" \
    --connect-to ":443:127.0.0.1:$3" --connect-to ":80:127.0.0.1:$2" \
    >"$DEMO/scan-$1.json" || rc=$?
  echo "  $1: exit $rc"
}
scan nginx "$N80" "$N443"
scan apache "$A80" "$A443"
scan django "$D80" "$D443"
scan express "$E80" "$E443"

# The edges the scan does not reach: an IP-literal or localhost Host over TLS (no HSTS on
# any stack: RFC 6797 §8.1.1, and no HSTS pinned in a developer's browser), and a Host
# the policy does not allow over plain HTTP (never a redirect elsewhere).
step "requests with an IP-literal, a localhost and a foreign Host (curl)"
edge() { # edge NAME HTTP_PORT HTTPS_PORT
  local hsts
  for host in 127.0.0.1 localhost; do
    hsts=$(curl -s -o /dev/null -D - --cacert "$DEMO/ca.pem" \
      --connect-to "example.com:443:127.0.0.1:$3" -H "Host: $host" https://example.com/ |
      tr -d '\r' | sed -n 's/^[Ss]trict-[Tt]ransport-[Ss]ecurity: //p')
    echo "${hsts:-none}" >"$DEMO/edge-$1-$host"
  done
  curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: evil.example" \
    "http://127.0.0.1:$2/" >"$DEMO/edge-$1-foreign" || true
}
edge nginx "$N80" "$N443"
edge apache "$A80" "$A443"
edge django "$D80" "$D443"
edge express "$E80" "$E443"

python3 - "$DEMO" <<'EOF'
import json, sys
d = sys.argv[1]
stacks = ["nginx", "apache", "django", "express"]
r = {s: dict(json.load(open(f"{d}/scan-{s}.json")), _stack=s) for s in stacks}

def first(chain, key):
    return chain[0].get(key) if chain else None

rows = [
    ("http://example.com/ status", lambda x: first(x["chains"]["http_apex"], "status")),
    ("http://example.com/ Location", lambda x: first(x["chains"]["http_apex"], "location")),
    ("http://www.example.com/ status", lambda x: first(x["chains"]["http_www"], "status")),
    ("http://www Location", lambda x: first(x["chains"]["http_www"], "location")),
    ("https://example.com/ status", lambda x: first(x["chains"]["https_apex"], "status")),
    ("HSTS header", lambda x: x["header"]),
    ("TLS", lambda x: (lambda t: f"{t['version']} verified={t['verified']}" if t else None)(first(x["chains"]["https_apex"], "tls"))),
    ("Set-Cookie (HTTPS)", lambda x: " | ".join(h for hop in x["chains"]["https_apex"] for h in hop["set_cookie"]) or "-"),
    ("flagged cookies", lambda x: ", ".join(i["code"] for i in x["issues"] if i["check"] == "cookies") or "none"),
    ("errors", lambda x: ", ".join(x["errors"]) or "none"),
    ("warnings", lambda x: ", ".join(x["warnings"]) or "none"),
    ("preloadable", lambda x: x["preloadable"]),
]
edges = {s: {k: open(f"{d}/edge-{s}-{k}").read().strip() for k in ("127.0.0.1", "localhost", "foreign")} for s in ["nginx", "apache", "django", "express"]}
rows += [
    ("HSTS for Host 127.0.0.1 (TLS)", lambda x: edges[x["_stack"]]["127.0.0.1"]),
    ("HSTS for Host localhost (TLS)", lambda x: edges[x["_stack"]]["localhost"]),
    ("Host evil.example (HTTP)", lambda x: edges[x["_stack"]]["foreign"].split(" ")[0] + (" -> " + edges[x["_stack"]]["foreign"].split(" ", 1)[1] if " " in edges[x["_stack"]]["foreign"] and edges[x["_stack"]]["foreign"].split(" ", 1)[1] else "")),
]
w0 = max(len(n) for n, _ in rows)
cols = {s: [str(f(r[s])) for _, f in rows] for s in stacks}
ws = {s: max(len(s), *(len(v) for v in cols[s])) for s in stacks}
print()
print(" | ".join([" " * w0] + [s.ljust(ws[s]) for s in stacks]))
print("-+-".join(["-" * w0] + ["-" * ws[s] for s in stacks]))
for i, (name, _) in enumerate(rows):
    print(" | ".join([name.ljust(w0)] + [cols[s][i].ljust(ws[s]) for s in stacks]))
print()
same = {name: len({cols[s][i] for s in stacks}) == 1 for i, (name, _) in enumerate(rows)}
core = ["http://example.com/ status", "http://example.com/ Location", "HSTS header", "flagged cookies", "errors", "preloadable",
        "HSTS for Host 127.0.0.1 (TLS)", "HSTS for Host localhost (TLS)", "Host evil.example (HTTP)"]
if all(same[c] for c in core):
    print("The four stacks agree on redirects, Location, the HSTS header, cookie findings, the verdict,")
    print("and at the edges: no HSTS for IP-literal and localhost Hosts, a 400 for a foreign Host.")
else:
    print("The stacks differ on: " + ", ".join(c for c in core if not same[c]))
    sys.exit(1)
EOF
