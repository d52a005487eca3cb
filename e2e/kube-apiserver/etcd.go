package main

import (
	"fmt"
	"net/url"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// embeddedEtcd is a single-member etcd serving plain HTTP on a free loopback port.
type embeddedEtcd struct {
	server    *embed.Etcd
	clientURL string
}

// startEtcd starts etcd with its data in dataDir and waits until it serves clients.
func startEtcd(dataDir string) (*embeddedEtcd, error) {
	cfg := embed.NewConfig()
	cfg.Name = "kas"
	cfg.Dir = dataDir
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{"stderr"}
	// The data is thrown away after each run; skipping fsync makes writes much cheaper.
	cfg.UnsafeNoFsync = true
	// Port 0 would do for listening, but etcd also dials its advertised client URL, which must be real.
	clientPort, err := freeLoopbackPort()
	if err != nil {
		return nil, err
	}
	peerPort, err := freeLoopbackPort()
	if err != nil {
		return nil, err
	}
	client := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", clientPort)}
	peer := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", peerPort)}
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{client}
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)

	server, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-server.Server.ReadyNotify():
	case err := <-server.Err():
		server.Close()
		return nil, err
	case <-time.After(60 * time.Second):
		server.Close()
		return nil, fmt.Errorf("etcd not ready after 60s")
	}
	return &embeddedEtcd{server: server, clientURL: client.String()}, nil
}

func (e *embeddedEtcd) close() {
	e.server.Close()
}
