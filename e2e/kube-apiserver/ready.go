package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"k8s.io/component-base/version"
)

// readyInfo is the ready file: everything a test harness needs to talk to this server.
type readyInfo struct {
	URL       string      `json:"url"`
	CAFile    string      `json:"caFile"`
	Version   string      `json:"version"`
	PID       int         `json:"pid"`
	Dir       string      `json:"dir"`
	AuditLog  string      `json:"auditLog"`
	StartedAt string      `json:"startedAt"`
	ReadyAt   string      `json:"readyAt"`
	Admin     tokenUser   `json:"admin"`
	Users     []tokenUser `json:"users"`
}

// freeLoopbackPort asks the kernel for a free port. Another process could take it before the
// apiserver binds it; the apiserver then fails fast with "address already in use".
func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// announceWhenReady polls /readyz as admin; on 200 it writes the ready file atomically and prints
// it on stdout. If the server never gets ready it says so on stderr and leaves no file.
func announceWhenReady(ctx context.Context, opts options, serverURL string, creds credentials) {
	started := time.Now()
	caPEM, err := os.ReadFile(creds.caCert)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kas: reading CA: %v\n", err)
		return
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}
	admin := creds.users[0]
	deadline := time.Now().Add(opts.readyTimeout)
	for time.Now().Before(deadline) {
		if readyz(ctx, client, serverURL, admin.Token) {
			info := readyInfo{
				URL:       serverURL,
				CAFile:    creds.caCert,
				Version:   version.Get().GitVersion,
				PID:       os.Getpid(),
				Dir:       opts.dir,
				AuditLog:  creds.auditLog,
				StartedAt: started.UTC().Format(time.RFC3339Nano),
				ReadyAt:   time.Now().UTC().Format(time.RFC3339Nano),
				Admin:     admin,
				Users:     creds.users[1:],
			}
			if err := writeReadyFile(opts.readyFile, info); err != nil {
				fmt.Fprintf(os.Stderr, "kas: writing ready file: %v\n", err)
				return
			}
			fmt.Printf("kas: ready in %s at %s; ready file %s\n", time.Since(started).Round(time.Millisecond), serverURL, opts.readyFile)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
	fmt.Fprintf(os.Stderr, "kas: %s/readyz not 200 after %s\n", serverURL, opts.readyTimeout)
}

func readyz(ctx context.Context, client *http.Client, serverURL, token string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, serverURL+"/readyz", nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// removeStaleReadyFile deletes the ready file of an earlier start, if there is one.
func removeStaleReadyFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing stale ready file: %w", err)
	}
	return nil
}

// writeReadyFile writes via a temporary file and rename so readers never see half a file.
func writeReadyFile(path string, info readyInfo) error {
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kas-ready-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
