#!/usr/bin/env bash
# Generate the test PKI used by the gdtls-java test suite.
#
# Usage: scripts/make-test-pki.sh [OUTPUT_DIR]
#   OUTPUT_DIR defaults to src/test/resources/org/gdtls/pki (relative to the
#   repository root, found from this script's own location).
#
# Everything is made with GnuTLS certtool (the same library glib-networking
# uses at runtime), so the material is known to be parseable by the backend
# under test. Keys are RSA 2048 (handshakes are expected to be ECDHE-RSA).
# Unencrypted keys are written in PKCS#1 ("RSA PRIVATE KEY") form: certtool
# cannot emit *unencrypted* PKCS#8 (even --empty-password yields an
# "ENCRYPTED PRIVATE KEY"), and GLib's PEM loader accepts PKCS#1.
#
# Output is regenerated from scratch on every run (new keys, new serials), so
# every file changes; commit the whole directory together.
set -euo pipefail

PASSWORD='gdtls-secret'   # for server-key-encrypted.pem and server.p12
# Normal certificates get a fixed, generation-time-independent window
# (~80 years) instead of expiration_days: "now + N days" would make the start
# date depend on the generating machine's clock, and a cert generated on a
# machine whose clock runs ahead would be "not yet valid" everywhere else.
VALID_FROM='2020-01-01 00:00:00 UTC'
VALID_UNTIL='2099-12-31 23:59:59 UTC'

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
out_dir="${1:-${repo_root}/src/test/resources/org/gdtls/pki}"

# --- make sure certtool is available -----------------------------------------
if ! command -v certtool >/dev/null 2>&1; then
    if [[ ${EUID} -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "certtool not found; installing gnutls-bin..." >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y gnutls-bin \
            || { apt-get update && apt-get install -y gnutls-bin; }
    else
        echo "error: certtool (package gnutls-bin) is required;" \
             "install it, e.g. 'sudo apt-get install gnutls-bin'" >&2
        exit 1
    fi
fi

# Work in a temp dir and copy into place only once everything succeeded, so a
# failed run never leaves a half-regenerated (mismatched) PKI behind.
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
gen="${work}/out"
mkdir -p "${gen}"

# certtool writes informational chatter to stderr; keep it quiet unless it
# fails. --no-text keeps the human-readable dump out of the PEM files.
ct() {
    if ! certtool "$@" </dev/null >"${work}/certtool.log" 2>&1; then
        cat "${work}/certtool.log" >&2
        echo "error: certtool $* failed" >&2
        exit 1
    fi
}

genkey() { # genkey OUT.pem
    ct --generate-privkey --key-type=rsa --sec-param=medium --no-text --outfile "$1"
}

tmpl() { # tmpl NAME <<EOF ... ; writes template NAME into the temp dir
    cat >"${work}/$1.tmpl"
}

selfsign() { # selfsign KEY TEMPLATE OUT
    ct --generate-self-signed --load-privkey "$1" --template "${work}/$2.tmpl" \
       --no-text --outfile "$3"
}

sign() { # sign KEY TEMPLATE ISSUER_CERT ISSUER_KEY OUT
    ct --generate-certificate --load-privkey "$1" --template "${work}/$2.tmpl" \
       --load-ca-certificate "$3" --load-ca-privkey "$4" --no-text --outfile "$5"
}

cd "${gen}"

# --- templates ---------------------------------------------------------------
tmpl root <<EOF
cn = "gdtls Test Root CA"
ca
cert_signing_key
crl_signing_key
activation_date = "${VALID_FROM}"
expiration_date = "${VALID_UNTIL}"
EOF

# path_len 0: the intermediate may only sign leaves.
tmpl intermediate <<EOF
cn = "gdtls Test Intermediate CA"
ca
path_len = 0
cert_signing_key
crl_signing_key
activation_date = "${VALID_FROM}"
expiration_date = "${VALID_UNTIL}"
EOF

tmpl untrusted-ca <<EOF
cn = "gdtls Untrusted Test CA"
ca
cert_signing_key
crl_signing_key
activation_date = "${VALID_FROM}"
expiration_date = "${VALID_UNTIL}"
EOF

# Common server-leaf body; validity is appended per variant.
# signing_key = digitalSignature (ECDHE-RSA), encryption_key = keyEncipherment
# (static RSA key exchange, harmless to include).
server_body='cn = "server.example.com"
dns_name = "server.example.com"
dns_name = "localhost"
ip_address = "127.0.0.1"
signing_key
encryption_key
tls_www_server'

tmpl server <<EOF
${server_body}
activation_date = "${VALID_FROM}"
expiration_date = "${VALID_UNTIL}"
EOF

# Validity window entirely in the past -> certificate EXPIRED.
tmpl expired <<EOF
${server_body}
activation_date = "2000-01-01 00:00:00 UTC"
expiration_date = "2001-01-01 00:00:00 UTC"
EOF

# Validity window entirely in the future -> certificate NOT_ACTIVATED.
tmpl not-yet-valid <<EOF
${server_body}
activation_date = "2090-01-01 00:00:00 UTC"
expiration_date = "2100-01-01 00:00:00 UTC"
EOF

# Valid chain, but names do not match server.example.com/localhost/127.0.0.1.
tmpl wrong-host <<EOF
cn = "wrong.example.net"
dns_name = "wrong.example.net"
signing_key
encryption_key
tls_www_server
activation_date = "${VALID_FROM}"
expiration_date = "${VALID_UNTIL}"
EOF

tmpl client <<EOF
cn = "gdtls test client"
signing_key
encryption_key
tls_www_client
activation_date = "${VALID_FROM}"
expiration_date = "${VALID_UNTIL}"
EOF

# --- CAs ---------------------------------------------------------------------
genkey ca-key.pem
selfsign ca-key.pem root ca.pem

genkey intermediate-key.pem
sign intermediate-key.pem intermediate ca.pem ca-key.pem intermediate.pem

# Unrelated root, deliberately NOT trusted by tests (UNKNOWN_CA).
genkey untrusted-ca-key.pem
selfsign untrusted-ca-key.pem untrusted-ca untrusted-ca.pem

# --- leaves signed directly by the root ---------------------------------------
for name in server expired not-yet-valid wrong-host client; do
    genkey "${name}-key.pem"
    sign "${name}-key.pem" "${name}" ca.pem ca-key.pem "${name}.pem"
done

# --- leaf signed by the intermediate; PEM holds leaf then intermediate --------
genkey server-chain-key.pem
sign server-chain-key.pem server intermediate.pem intermediate-key.pem server-chain-leaf.pem
cat server-chain-leaf.pem intermediate.pem >server-chain.pem
rm server-chain-leaf.pem

# --- leaf signed by the untrusted CA -------------------------------------------
genkey untrusted-server-key.pem
sign untrusted-server-key.pem server untrusted-ca.pem untrusted-ca-key.pem untrusted-server.pem

# --- alternative encodings of server.pem / server-key.pem -------------------
# Certificate and key in one PEM file (cert first, then key).
cat server.pem server-key.pem >server-and-key.pem

# Password-protected PKCS#8 (PBES2 / AES-256).
ct --to-p8 --load-privkey server-key.pem --password="${PASSWORD}" \
   --pkcs-cipher=aes-256 --no-text --outfile server-key-encrypted.pem

# PKCS#12 bundle: server cert + key + root CA. --outder: without it certtool
# writes a PEM-armoured ("BEGIN PKCS12") file, which other tools reject.
ct --to-p12 --load-certificate server.pem --load-privkey server-key.pem \
   --load-ca-certificate ca.pem --p12-name="gdtls test server" \
   --password="${PASSWORD}" --pkcs-cipher=aes-256 --outder --outfile server.p12

# --- README --------------------------------------------------------------------
cat >README.md <<EOF
# gdtls test PKI

Generated by \`scripts/make-test-pki.sh\`; regenerate with it (do not edit by
hand). **Test-only material: the private keys here are public.**

All keys are RSA 2048. Unencrypted keys are PKCS#1 PEM (\`RSA PRIVATE KEY\`).
Unless noted otherwise, certificates are valid from ${VALID_FROM} until
${VALID_UNTIL}. Server certificates carry CN=server.example.com and
subjectAltName DNS:server.example.com, DNS:localhost, IP:127.0.0.1 with
TLS WWW server extended key usage.

Password for the encrypted files: \`${PASSWORD}\`

| File | Purpose |
|------|---------|
| \`ca.pem\`, \`ca-key.pem\` | Trusted root CA "CN=gdtls Test Root CA" |
| \`intermediate.pem\`, \`intermediate-key.pem\` | Intermediate CA "CN=gdtls Test Intermediate CA", signed by the root (pathlen 0) |
| \`server.pem\`, \`server-key.pem\` | Server leaf signed directly by the root |
| \`server-and-key.pem\` | \`server.pem\` followed by \`server-key.pem\` in one file |
| \`server-key-encrypted.pem\` | \`server-key.pem\` as encrypted PKCS#8 (AES-256), password \`${PASSWORD}\` |
| \`server.p12\` | PKCS#12 (DER) of \`server.pem\` + \`server-key.pem\` + \`ca.pem\`, friendly name "gdtls test server", password \`${PASSWORD}\` |
| \`server-chain.pem\`, \`server-chain-key.pem\` | Server leaf signed by the intermediate; \`server-chain.pem\` holds leaf then intermediate (no root) |
| \`client.pem\`, \`client-key.pem\` | Client leaf "CN=gdtls test client" signed by the root (TLS WWW client usage) |
| \`expired.pem\`, \`expired-key.pem\` | Server leaf signed by the root, valid 2000-01-01 .. 2001-01-01 (expired) |
| \`not-yet-valid.pem\`, \`not-yet-valid-key.pem\` | Server leaf signed by the root, valid 2090-01-01 .. 2100-01-01 (not yet active) |
| \`wrong-host.pem\`, \`wrong-host-key.pem\` | Leaf signed by the root for CN/DNS wrong.example.net only (hostname mismatch) |
| \`untrusted-ca.pem\`, \`untrusted-ca-key.pem\` | Unrelated self-signed CA "CN=gdtls Untrusted Test CA" (never trusted) |
| \`untrusted-server.pem\`, \`untrusted-server-key.pem\` | Server leaf signed by the untrusted CA (unknown CA) |
EOF

# --- install -------------------------------------------------------------------
mkdir -p "${out_dir}"
cp -f -- "${gen}"/* "${out_dir}/"
echo "Test PKI written to ${out_dir}:" >&2
ls -1 "${out_dir}" >&2
