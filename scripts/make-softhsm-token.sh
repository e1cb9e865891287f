#!/usr/bin/env bash
# Creates a SoftHSM2 PKCS#11 token holding the test server certificate and key,
# so tests can exercise GIO's PKCS#11 path (g_tls_certificate_new_from_pkcs11_uris)
# and the PIN prompt (GTlsInteraction ask_password) without hardware.
#
# Usage: scripts/make-softhsm-token.sh OUTDIR PKI_DIR
#   OUTDIR   gets softhsm2.conf and tokens/ (tokens/ is wiped on every run)
#   PKI_DIR  holds server.pem and server-key.pem (see make-test-pki.sh)
#
# Token: label "gdtls", user PIN 1234, SO PIN 5678; certificate and private
# key both labelled "server" with ID 01.
# stdout: exactly two lines, CERT_URI=... and KEY_URI=...; all else goes to stderr.
# The URIs contain ';' and are not shell-quoted: split each line at the first '='
# (e.g. sed -n 's/^KEY_URI=//p'), do not eval or source them.
#
# Every process that uses the token must have SOFTHSM2_CONF=OUTDIR/softhsm2.conf
# in its environment before its first PKCS#11 use: SoftHSM reads it once, when
# GnuTLS (via p11-kit) first initializes the module.
set -euo pipefail

TOKEN_LABEL=gdtls
USER_PIN=1234
SO_PIN=5678
OBJECT_LABEL=server
OBJECT_ID=01

if [[ $# -ne 2 ]]; then
    echo "usage: $0 OUTDIR PKI_DIR" >&2
    exit 2
fi

die() { echo "make-softhsm-token: $*" >&2; exit 1; }

# --- required tools, named by the Debian package that ships them -------------
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install Debian package '$2' (apt-get install -y $2)"; }
need softhsm2-util softhsm2
need p11tool gnutls-bin
need openssl openssl

pki_dir="$(cd "$2" 2>/dev/null && pwd)" || die "PKI_DIR '$2' does not exist"
[[ -r "${pki_dir}/server.pem" ]] || die "${pki_dir}/server.pem not found"
[[ -r "${pki_dir}/server-key.pem" ]] || die "${pki_dir}/server-key.pem not found"

mkdir -p "$1"
# Absolute path: the conf must work from whatever cwd the test JVM runs in.
out_dir="$(cd "$1" && pwd)"

# --- private config: never touch /etc/softhsm or ~/.config ----------------------
# Wipe old tokens so the script is re-runnable (a second init would add a second
# "gdtls" token and make the URIs ambiguous; old failed-login counters go too).
rm -rf "${out_dir}/tokens"
mkdir -p "${out_dir}/tokens"
cat >"${out_dir}/softhsm2.conf" <<EOF
directories.tokendir = ${out_dir}/tokens
objectstore.backend = file
log.level = ERROR
EOF
export SOFTHSM2_CONF="${out_dir}/softhsm2.conf"

# --- token ----------------------------------------------------------------------
softhsm2-util --init-token --free --label "${TOKEN_LABEL}" \
    --pin "${USER_PIN}" --so-pin "${SO_PIN}" >&2

# GIO/GnuTLS find SoftHSM only through p11-kit's module registry (Debian's
# softhsm2-common ships /usr/share/p11-kit/modules/softhsm2.module); there is
# no way to pass a module path through GIO, so check the token is visible that way.
p11tool --list-token-urls 2>/dev/null | grep -q "token=${TOKEN_LABEL}" \
    || die "SoftHSM token not visible through p11-kit; install Debian package 'softhsm2-common'" \
           "(provides /usr/share/p11-kit/modules/softhsm2.module)"

# --- private key ------------------------------------------------------------------
# softhsm2-util --import only reads PKCS#8; the test key is PKCS#1, so convert it
# to an unencrypted PKCS#8 temp file (removed on exit).
key_p8="$(mktemp "${out_dir}/server-key.p8.XXXXXX")"
trap 'rm -f "${key_p8}"' EXIT
openssl pkcs8 -topk8 -nocrypt -in "${pki_dir}/server-key.pem" -out "${key_p8}"
softhsm2-util --import "${key_p8}" --token "${TOKEN_LABEL}" \
    --label "${OBJECT_LABEL}" --id "${OBJECT_ID}" --pin "${USER_PIN}" >&2

# --- certificate ------------------------------------------------------------------
# Written as a public object: g_tls_certificate_new_from_pkcs11_uris() reads it
# without any interaction, so it must be readable without logging in. Only the
# private key (CKA_PRIVATE) needs the PIN, at handshake time.
p11tool --batch --login --set-pin="${USER_PIN}" --write --no-mark-private \
    --load-certificate "${pki_dir}/server.pem" \
    --label "${OBJECT_LABEL}" --id "${OBJECT_ID}" \
    "pkcs11:token=${TOKEN_LABEL}" >&2

# --- check and report -------------------------------------------------------------
base="pkcs11:token=${TOKEN_LABEL};id=%${OBJECT_ID};object=${OBJECT_LABEL}"
objects="$(p11tool --batch --login --set-pin="${USER_PIN}" --list-all "pkcs11:token=${TOKEN_LABEL}" 2>/dev/null)"
grep -q "object=${OBJECT_LABEL};type=cert" <<<"${objects}" || die "certificate not found on token"
grep -q "object=${OBJECT_LABEL};type=private" <<<"${objects}" || die "private key not found on token"

echo "CERT_URI=${base};type=cert"
echo "KEY_URI=${base};type=private"
