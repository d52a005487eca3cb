package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// serviceAccountIssuer is the "iss" of service-account tokens; it is also the default audience.
const serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local"

// adminUser is in system:masters, which RBAC's bootstrap policy binds to cluster-admin.
const adminUser = "admin"

// tokenUser is a static bearer-token identity with its kubeconfig.
type tokenUser struct {
	Name       string   `json:"name"`
	Token      string   `json:"token"`
	Groups     []string `json:"groups"`
	Kubeconfig string   `json:"kubeconfig"`
}

// credentials are the paths of everything the apiserver and its clients need.
type credentials struct {
	caCert            string
	servingCert       string
	servingKey        string
	serviceAccountKey string
	tokenFile         string
	auditPolicy       string
	auditLog          string
	users             []tokenUser
}

// auditPolicy records who did what (user, verb, URI, response code) for every request, which is
// how tests can tell which identity a proxy really sent upstream.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
`

// writeCredentials creates the CA, serving certificate, service-account key, token file,
// audit policy and one kubeconfig per user (admin first) in dir.
func writeCredentials(dir, serverURL string, userNames []string) (credentials, error) {
	now := time.Now()
	creds := credentials{
		caCert:            filepath.Join(dir, "ca.crt"),
		servingCert:       filepath.Join(dir, "apiserver.crt"),
		servingKey:        filepath.Join(dir, "apiserver.key"),
		serviceAccountKey: filepath.Join(dir, "service-account.key"),
		tokenFile:         filepath.Join(dir, "tokens.csv"),
		auditPolicy:       filepath.Join(dir, "audit-policy.yaml"),
		auditLog:          filepath.Join(dir, "audit.log"),
	}
	ca, err := newCertificateAuthority(now, "kas-ca")
	if err != nil {
		return credentials{}, err
	}
	caPEM := certificatePEM(ca.cert.Raw)
	servingCert, servingKey, err := ca.issueServing(now, "kube-apiserver", apiserverNames, apiserverIPs)
	if err != nil {
		return credentials{}, err
	}
	saKey, err := newKey()
	if err != nil {
		return credentials{}, err
	}
	saKeyPEM, err := privateKeyPEM(saKey)
	if err != nil {
		return credentials{}, err
	}
	for path, data := range map[string][]byte{
		creds.caCert:            caPEM,
		creds.servingCert:       servingCert,
		creds.servingKey:        servingKey,
		creds.serviceAccountKey: saKeyPEM,
		creds.auditPolicy:       []byte(auditPolicy),
	} {
		if err := writeSecret(path, data); err != nil {
			return credentials{}, err
		}
	}

	users := []tokenUser{{Name: adminUser, Groups: []string{"system:masters"}}}
	for _, name := range userNames {
		if name == adminUser {
			return credentials{}, fmt.Errorf("user name %q is reserved", adminUser)
		}
		users = append(users, tokenUser{Name: name, Groups: []string{"e2e:users"}})
	}
	var tokenLines strings.Builder
	for i := range users {
		token, err := randomToken()
		if err != nil {
			return credentials{}, err
		}
		users[i].Token = token
		users[i].Kubeconfig = filepath.Join(dir, users[i].Name+".kubeconfig")
		// Static token file format: token,user,uid,"group1,group2".
		fmt.Fprintf(&tokenLines, "%s,%s,uid-%s,\"%s\"\n", token, users[i].Name, users[i].Name, strings.Join(users[i].Groups, ","))
		if err := writeKubeconfig(users[i], serverURL, caPEM); err != nil {
			return credentials{}, err
		}
	}
	if err := writeSecret(creds.tokenFile, []byte(tokenLines.String())); err != nil {
		return credentials{}, err
	}
	creds.users = users
	return creds, nil
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func writeKubeconfig(user tokenUser, serverURL string, caPEM []byte) error {
	config := clientcmdapi.NewConfig()
	config.Clusters["kas"] = &clientcmdapi.Cluster{Server: serverURL, CertificateAuthorityData: caPEM}
	config.AuthInfos[user.Name] = &clientcmdapi.AuthInfo{Token: user.Token}
	config.Contexts[user.Name] = &clientcmdapi.Context{Cluster: "kas", AuthInfo: user.Name, Namespace: "default"}
	config.CurrentContext = user.Name
	return clientcmd.WriteToFile(*config, user.Kubeconfig)
}
