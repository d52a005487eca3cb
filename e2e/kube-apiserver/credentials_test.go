package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testURL = "https://127.0.0.1:6443"

var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func prepare(t *testing.T, dir, serverURL string, users []string, now time.Time) credentials {
	t.Helper()
	creds, err := prepareCredentials(dir, serverURL, users, now)
	if err != nil {
		t.Fatalf("prepareCredentials: %v", err)
	}
	return creds
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// actions maps each file to what prepareCredentials did with it.
func actions(creds credentials) map[string]string {
	out := map[string]string{}
	for _, n := range creds.notes {
		out[n.File] = n.Action
	}
	return out
}

func tokens(creds credentials) map[string]string {
	out := map[string]string{}
	for _, u := range creds.users {
		out[u.Name] = u.Token
	}
	return out
}

// stateFiles are the files whose bytes a restart must not change.
var stateFiles = []string{"ca.crt", "ca.key", "apiserver.crt", "apiserver.key", "service-account.key", "tokens.csv", "admin.kubeconfig", "alice.kubeconfig"}

func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range stateFiles {
		out[name] = read(t, filepath.Join(dir, name))
	}
	return out
}

func TestFirstStartCreatesEveryFile(t *testing.T) {
	creds := prepare(t, t.TempDir(), testURL, []string{"alice"}, testNow)
	for _, name := range stateFiles {
		if got := actions(creds)[name]; got != "created" {
			t.Errorf("%s: %q, want created", name, got)
		}
	}
	if len(creds.users) != 2 || creds.users[0].Name != adminUser || creds.users[1].Name != "alice" {
		t.Fatalf("users: %+v", creds.users)
	}
}

func TestEachFileIsNotedOnce(t *testing.T) {
	dir := t.TempDir()
	first := prepare(t, dir, testURL, []string{"alice"}, testNow)
	if err := os.WriteFile(first.tokenFile, []byte("not a token line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, creds := range []credentials{first, prepare(t, dir, testURL, []string{"alice"}, testNow)} {
		seen := map[string]int{}
		for _, n := range creds.notes {
			seen[n.File]++
		}
		for file, count := range seen {
			if count != 1 {
				t.Errorf("%s noted %d times: %+v", file, count, creds.notes)
			}
		}
	}
}

func TestRestartOnTheSameDirReusesEverything(t *testing.T) {
	dir := t.TempDir()
	first := prepare(t, dir, testURL, []string{"alice"}, testNow)
	before := snapshot(t, dir)

	second := prepare(t, dir, testURL, []string{"alice"}, testNow.Add(24*time.Hour))
	for _, n := range second.notes {
		if n.Action != "reused" {
			t.Errorf("%s: %s (%s), want reused", n.File, n.Action, n.Reason)
		}
	}
	after := snapshot(t, dir)
	for name, data := range before {
		if !bytes.Equal(data, after[name]) {
			t.Errorf("%s changed across the restart", name)
		}
	}
	if a, b := tokens(first), tokens(second); a["admin"] != b["admin"] || a["alice"] != b["alice"] {
		t.Errorf("tokens changed: %v -> %v", a, b)
	}
}

func TestANewPortRewritesOnlyTheKubeconfigs(t *testing.T) {
	dir := t.TempDir()
	prepare(t, dir, testURL, []string{"alice"}, testNow)
	creds := prepare(t, dir, "https://127.0.0.1:7443", []string{"alice"}, testNow)
	got := actions(creds)
	for _, name := range []string{"ca.crt", "apiserver.crt", "service-account.key", "tokens.csv"} {
		if got[name] != "reused" {
			t.Errorf("%s: %q, want reused", name, got[name])
		}
	}
	if got["admin.kubeconfig"] != "replaced" {
		t.Errorf("admin.kubeconfig: %q, want replaced", got["admin.kubeconfig"])
	}
	if !strings.Contains(string(read(t, filepath.Join(dir, "admin.kubeconfig"))), "https://127.0.0.1:7443") {
		t.Error("admin.kubeconfig does not name the new port")
	}
}

func TestAnInvalidServingCertificateIsReissuedUnderTheSameCA(t *testing.T) {
	dir := t.TempDir()
	prepare(t, dir, testURL, nil, testNow)
	caBefore := read(t, filepath.Join(dir, "ca.crt"))
	if err := os.WriteFile(filepath.Join(dir, "apiserver.crt"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := prepare(t, dir, testURL, nil, testNow)
	if got := actions(creds); got["apiserver.crt"] != "replaced" || got["ca.crt"] != "reused" || got["admin.kubeconfig"] != "reused" {
		t.Errorf("actions: %v", got)
	}
	if !bytes.Equal(caBefore, read(t, filepath.Join(dir, "ca.crt"))) {
		t.Error("ca.crt changed")
	}
	ca, err := loadCertificateAuthority(creds.caCert, creds.caKey, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkServing(creds.servingCert, creds.servingKey, ca, testNow); err != nil {
		t.Errorf("reissued certificate: %v", err)
	}
}

func TestAServingCertificateMissingAHostIsReissued(t *testing.T) {
	dir := t.TempDir()
	creds := prepare(t, dir, testURL, nil, testNow)
	ca, err := loadCertificateAuthority(creds.caCert, creds.caKey, testNow)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := ca.issueServing(testNow, "kube-apiserver", []string{"localhost"}, apiserverIPs)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeSecrets(map[string][]byte{creds.servingCert: certPEM, creds.servingKey: keyPEM}); err != nil {
		t.Fatal(err)
	}
	again := prepare(t, dir, testURL, nil, testNow)
	for _, n := range again.notes {
		if n.File == "apiserver.crt" && (n.Action != "replaced" || !strings.Contains(n.Reason, "kubernetes")) {
			t.Errorf("apiserver.crt: %+v, want replaced for a missing name", n)
		}
	}
}

func TestAServingKeyThatIsNotTheCertificatesIsReplaced(t *testing.T) {
	dir := t.TempDir()
	creds := prepare(t, dir, testURL, nil, testNow)
	key, err := newKey()
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := privateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeSecret(creds.servingKey, keyPEM); err != nil {
		t.Fatal(err)
	}
	if got := actions(prepare(t, dir, testURL, nil, testNow)); got["apiserver.key"] != "replaced" {
		t.Errorf("apiserver.key: %q, want replaced", got["apiserver.key"])
	}
}

func TestAnExpiringCAIsReplacedAndEverythingItSignedWithIt(t *testing.T) {
	dir := t.TempDir()
	first := prepare(t, dir, testURL, []string{"alice"}, testNow)
	// The CA lasts 30 days; 30 days on, it expires within the hour.
	later := prepare(t, dir, testURL, []string{"alice"}, testNow.Add(30*24*time.Hour))
	got := actions(later)
	for _, name := range []string{"ca.crt", "apiserver.crt", "admin.kubeconfig"} {
		if got[name] != "replaced" {
			t.Errorf("%s: %q, want replaced", name, got[name])
		}
	}
	// Tokens and the service-account key do not depend on the CA.
	if got["tokens.csv"] != "reused" || got["service-account.key"] != "reused" {
		t.Errorf("actions: %v", got)
	}
	if tokens(first)["alice"] != tokens(later)["alice"] {
		t.Error("alice's token changed")
	}
}

func TestADirWithoutCAKeyGetsANewCA(t *testing.T) {
	// Written by a kas that did not keep ca.key: the serving certificate cannot be reissued
	// under the old CA, so both are new, and the tokens survive.
	dir := t.TempDir()
	first := prepare(t, dir, testURL, nil, testNow)
	if err := os.Remove(first.caKey); err != nil {
		t.Fatal(err)
	}
	got := actions(prepare(t, dir, testURL, nil, testNow))
	if got["ca.crt"] != "replaced" || got["ca.key"] != "created" || got["apiserver.crt"] != "replaced" || got["tokens.csv"] != "reused" {
		t.Errorf("actions: %v", got)
	}
}

func TestANewUserGetsATokenAndOldOnesKeepTheirs(t *testing.T) {
	dir := t.TempDir()
	first := prepare(t, dir, testURL, []string{"alice"}, testNow)
	second := prepare(t, dir, testURL, []string{"alice", "bob"}, testNow)
	a, b := tokens(first), tokens(second)
	if a["admin"] != b["admin"] || a["alice"] != b["alice"] {
		t.Errorf("tokens of known users changed: %v -> %v", a, b)
	}
	if b["bob"] == "" || b["bob"] == b["alice"] {
		t.Errorf("bob's token: %q", b["bob"])
	}
	if got := actions(second); got["tokens.csv"] != "replaced" || got["bob.kubeconfig"] != "created" {
		t.Errorf("actions: %v", got)
	}
	if !strings.Contains(string(read(t, second.tokenFile)), b["bob"]+",bob,uid-bob,\"e2e:users\"") {
		t.Errorf("tokens.csv lacks bob:\n%s", read(t, second.tokenFile))
	}
}

func TestAMalformedTokenFileIsReplaced(t *testing.T) {
	dir := t.TempDir()
	first := prepare(t, dir, testURL, nil, testNow)
	if err := os.WriteFile(first.tokenFile, []byte("not a token line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	second := prepare(t, dir, testURL, nil, testNow)
	if got := actions(second); got["tokens.csv"] != "replaced" || got["admin.kubeconfig"] != "replaced" {
		t.Errorf("actions: %v", got)
	}
	if tokens(second)["admin"] == "" {
		t.Error("admin has no token")
	}
}

func TestTheAdminNameIsReserved(t *testing.T) {
	if _, err := prepareCredentials(t.TempDir(), testURL, []string{"admin"}, testNow); err == nil {
		t.Error("want an error for a user named admin")
	}
}

func TestAStaleReadyFileIsRemovedAndAMissingOneIsFine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kas.json")
	if err := removeStaleReadyFile(path); err != nil {
		t.Fatalf("missing file: %v", err)
	}
	if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := removeStaleReadyFile(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("ready file still there: %v", err)
	}
}

func TestTheLogNamesWhatWasMadeAnew(t *testing.T) {
	var out bytes.Buffer
	logCredentialNotes(&out, []credentialNote{
		{File: "ca.crt", Action: "reused"},
		{File: "tokens.csv", Action: "reused"},
		{File: "apiserver.crt", Action: "replaced", Reason: "expires soon"},
		{File: "bob.kubeconfig", Action: "created"},
	})
	want := "kas: replaced apiserver.crt: expires soon\nkas: created bob.kubeconfig\nkas: reused from an earlier start: ca.crt, tokens.csv\n"
	if out.String() != want {
		t.Errorf("log:\n%s\nwant:\n%s", out.String(), want)
	}
}
