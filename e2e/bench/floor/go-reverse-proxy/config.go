package main

import (
	"errors"
	"net/url"
)

// Config is what the command line gives: where to write the port, where to forward, and the
// serving pair when the proxy serves HTTPS.
type Config struct {
	PortFile   string
	Upstream   *url.URL
	UpstreamCA string
	// CertFile and KeyFile are both empty for plain HTTP.
	CertFile string
	KeyFile  string
}

const usage = "usage: go-reverse-proxy <port file> <apiserver URL> <apiserver CA file> [<cert file> <key file>]"

// parseArgs reads the positional arguments, in the order bare-pass-through.mjs takes them.
func parseArgs(args []string) (Config, error) {
	if len(args) != 3 && len(args) != 5 {
		return Config{}, errors.New(usage)
	}
	upstream, err := url.Parse(args[1])
	if err != nil || upstream.Host == "" || (upstream.Scheme != "https" && upstream.Scheme != "http") {
		return Config{}, errors.New("the apiserver URL must be http(s)://host:port, got " + args[1] + "\n" + usage)
	}
	cfg := Config{PortFile: args[0], Upstream: upstream, UpstreamCA: args[2]}
	if len(args) == 5 {
		cfg.CertFile, cfg.KeyFile = args[3], args[4]
	}
	return cfg, nil
}
