package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// certificateAuthority signs the serving certificate; its certificate is also the client CA.
type certificateAuthority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// apiserverNames are the names a client may use for the apiserver: loopback, plus the in-cluster
// names that service-account tokens and the kubernetes Service refer to.
var apiserverNames = []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}

var apiserverIPs = []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.0.0.1")}

func newKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

func newCertificateAuthority(now time.Time, commonName string) (*certificateAuthority, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &certificateAuthority{cert: cert, key: key}, nil
}

// issueServing returns a PEM certificate and PEM key for an HTTPS endpoint known by these names.
func (ca *certificateAuthority) issueServing(now time.Time, commonName string, dnsNames []string, ips []net.IP) (certPEM, keyPEM []byte, err error) {
	key, err := newKey()
	if err != nil {
		return nil, nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, nil, err
	}
	template := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(30 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dnsNames,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca.cert, key.Public(), ca.key)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err = privateKeyPEM(key)
	if err != nil {
		return nil, nil, err
	}
	return certificatePEM(der), keyPEM, nil
}

func certificatePEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// privateKeyPEM encodes SEC1 ("EC PRIVATE KEY"): kube-apiserver's --service-account-key-file
// derives public keys from private keys only in that form, not from PKCS#8.
func privateKeyPEM(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

func writeSecret(path string, data []byte) error {
	return os.WriteFile(path, data, 0o600)
}

// freshAt says why cert cannot be used at now, if it cannot: not yet valid, or expiring within
// the hour (a run rarely lasts longer, and a replaced certificate is cheaper than a failed run).
func freshAt(cert *x509.Certificate, now time.Time) error {
	if now.Before(cert.NotBefore) {
		return fmt.Errorf("not valid before %s", cert.NotBefore.UTC().Format(time.RFC3339))
	}
	if now.Add(time.Hour).After(cert.NotAfter) {
		return fmt.Errorf("expires %s", cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// readPEM returns the DER of the first PEM block in path, which must be of type blockType
// (described as what in the error).
func readPEM(path, blockType, what string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != blockType {
		return nil, fmt.Errorf("%s holds no PEM %s", filepath.Base(path), what)
	}
	return block.Bytes, nil
}

// loadCertificate parses the first PEM certificate in path.
func loadCertificate(path string) (*x509.Certificate, error) {
	der, err := readPEM(path, "CERTIFICATE", "certificate")
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// loadPrivateKey parses a SEC1 ECDSA key, the form privateKeyPEM writes.
func loadPrivateKey(path string) (*ecdsa.PrivateKey, error) {
	der, err := readPEM(path, "EC PRIVATE KEY", "EC private key")
	if err != nil {
		return nil, err
	}
	return x509.ParseECPrivateKey(der)
}

// loadKeyPair reads a certificate and its key and checks that they belong together.
func loadKeyPair(certPath, keyPath string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	cert, err := loadCertificate(certPath)
	if err != nil {
		return nil, nil, err
	}
	key, err := loadPrivateKey(keyPath)
	if err != nil {
		return nil, nil, err
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, fmt.Errorf("%s is not the key of %s", filepath.Base(keyPath), filepath.Base(certPath))
	}
	return cert, key, nil
}

// loadCertificateAuthority reads a CA written by an earlier start and says why it cannot sign
// any more, if it cannot.
func loadCertificateAuthority(certPath, keyPath string, now time.Time) (*certificateAuthority, error) {
	cert, key, err := loadKeyPair(certPath, keyPath)
	if err != nil {
		return nil, err
	}
	if !cert.IsCA || cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return nil, fmt.Errorf("%s is not a CA certificate", filepath.Base(certPath))
	}
	if err := freshAt(cert, now); err != nil {
		return nil, fmt.Errorf("%s %w", filepath.Base(certPath), err)
	}
	return &certificateAuthority{cert: cert, key: key}, nil
}

// checkServing says why the serving pair cannot be served at now, if it cannot: it must chain
// to ca and name every host a client may dial (apiserverNames and apiserverIPs). Certificates
// do not name ports, so a new port never invalidates one.
func checkServing(certPath, keyPath string, ca *certificateAuthority, now time.Time) error {
	cert, _, err := loadKeyPair(certPath, keyPath)
	if err != nil {
		return err
	}
	if err := freshAt(cert, now); err != nil {
		return fmt.Errorf("%s %w", filepath.Base(certPath), err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	hosts := slices.Clone(apiserverNames)
	for _, ip := range apiserverIPs {
		hosts = append(hosts, ip.String())
	}
	for _, host := range hosts {
		_, err := cert.Verify(x509.VerifyOptions{
			DNSName:     host,
			Roots:       roots,
			CurrentTime: now,
			KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		})
		if err != nil {
			return fmt.Errorf("not valid for %s under ca.crt: %w", host, err)
		}
	}
	return nil
}
