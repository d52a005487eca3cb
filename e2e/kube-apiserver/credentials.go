package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
	caKey             string
	servingCert       string
	servingKey        string
	serviceAccountKey string
	tokenFile         string
	auditPolicy       string
	auditLog          string
	users             []tokenUser
	// notes say, per file, whether it was reused from an earlier start, created or replaced.
	notes []credentialNote
}

// credentialNote records what prepareCredentials did with one file, for the log.
type credentialNote struct {
	File   string
	Action string // "reused", "created" or "replaced"
	Reason string // why it was replaced; empty otherwise
}

// auditPolicy records who did what (user, verb, URI, response code) for every request, which is
// how tests can tell which identity a proxy really sent upstream.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
`

// prepareCredentials makes sure dir holds a CA, a serving certificate, a service-account key, a
// token file, the audit policy and one kubeconfig per user (admin first) for serverURL. What an
// earlier start left there is reused when it parses and still fits, so a restart on the same dir
// looks like a real apiserver restart: clients that trusted its CA and held its tokens, including
// service-account tokens it signed, keep working. Only what is missing or invalid is made anew.
func prepareCredentials(dir, serverURL string, userNames []string, now time.Time) (credentials, error) {
	creds := credentials{
		caCert:            filepath.Join(dir, "ca.crt"),
		caKey:             filepath.Join(dir, "ca.key"),
		servingCert:       filepath.Join(dir, "apiserver.crt"),
		servingKey:        filepath.Join(dir, "apiserver.key"),
		serviceAccountKey: filepath.Join(dir, "service-account.key"),
		tokenFile:         filepath.Join(dir, "tokens.csv"),
		auditPolicy:       filepath.Join(dir, "audit-policy.yaml"),
		auditLog:          filepath.Join(dir, "audit.log"),
	}
	users := []tokenUser{{Name: adminUser, Groups: []string{"system:masters"}}}
	for _, name := range userNames {
		if name == adminUser {
			return credentials{}, fmt.Errorf("user name %q is reserved", adminUser)
		}
		users = append(users, tokenUser{Name: name, Groups: []string{"e2e:users"}})
	}

	var ca *certificateAuthority
	err := creds.reuseOrMake(
		func() (err error) {
			ca, err = loadCertificateAuthority(creds.caCert, creds.caKey, now)
			return err
		},
		func() (map[string][]byte, error) {
			var err error
			if ca, err = newCertificateAuthority(now, "kas-ca"); err != nil {
				return nil, err
			}
			keyPEM, err := privateKeyPEM(ca.key)
			return map[string][]byte{creds.caCert: certificatePEM(ca.cert.Raw), creds.caKey: keyPEM}, err
		},
		creds.caCert, creds.caKey,
	)
	if err != nil {
		return credentials{}, err
	}
	caPEM := certificatePEM(ca.cert.Raw)

	err = creds.reuseOrMake(
		func() error { return checkServing(creds.servingCert, creds.servingKey, ca, now) },
		func() (map[string][]byte, error) {
			certPEM, keyPEM, err := ca.issueServing(now, "kube-apiserver", apiserverNames, apiserverIPs)
			return map[string][]byte{creds.servingCert: certPEM, creds.servingKey: keyPEM}, err
		},
		creds.servingCert, creds.servingKey,
	)
	if err != nil {
		return credentials{}, err
	}

	err = creds.reuseOrMake(
		func() error {
			_, err := loadPrivateKey(creds.serviceAccountKey)
			return err
		},
		func() (map[string][]byte, error) {
			saKey, err := newKey()
			if err != nil {
				return nil, err
			}
			saKeyPEM, err := privateKeyPEM(saKey)
			return map[string][]byte{creds.serviceAccountKey: saKeyPEM}, err
		},
		creds.serviceAccountKey,
	)
	if err != nil {
		return credentials{}, err
	}

	if err := creds.prepareTokens(users); err != nil {
		return credentials{}, err
	}
	for i := range users {
		user := &users[i]
		user.Kubeconfig = filepath.Join(dir, user.Name+".kubeconfig")
		err := creds.reuseOrMake(
			func() error { return checkKubeconfig(*user, serverURL, caPEM) },
			func() (map[string][]byte, error) {
				data, err := clientcmd.Write(*kubeconfigFor(*user, serverURL, caPEM))
				return map[string][]byte{user.Kubeconfig: data}, err
			},
			user.Kubeconfig,
		)
		if err != nil {
			return credentials{}, err
		}
	}
	// The policy is ours, not state: always the current one.
	if err := writeSecret(creds.auditPolicy, []byte(auditPolicy)); err != nil {
		return credentials{}, err
	}
	creds.users = users
	return creds, nil
}

// reuseOrMake keeps files when check accepts them and otherwise writes what create returns (mode
// 0600), noting either way which it did.
func (c *credentials) reuseOrMake(check func() error, create func() (map[string][]byte, error), files ...string) error {
	err := check()
	c.note(err, files...)
	if err == nil {
		return nil
	}
	secrets, err := create()
	if err != nil {
		return err
	}
	return writeSecrets(secrets)
}

// note records, for each file (a path), "reused" when err is nil, "created" when the file is
// missing, and "replaced" with the reason otherwise. Call it before writing the files.
func (c *credentials) note(err error, files ...string) {
	for _, file := range files {
		name := filepath.Base(file)
		_, statErr := os.Stat(file)
		switch {
		case err == nil:
			c.notes = append(c.notes, credentialNote{File: name, Action: "reused"})
		case errors.Is(statErr, fs.ErrNotExist):
			c.notes = append(c.notes, credentialNote{File: name, Action: "created"})
		default:
			c.notes = append(c.notes, credentialNote{File: name, Action: "replaced", Reason: err.Error()})
		}
	}
}

// prepareTokens keeps each user's token from an earlier token file and gives new users a random
// one. A token file that does not parse is replaced as a whole.
func (c *credentials) prepareTokens(users []tokenUser) error {
	previous, readErr := readTokenFile(c.tokenFile)
	if readErr != nil {
		c.note(readErr, c.tokenFile)
		previous = map[string]string{}
	}
	fresh := 0
	var lines strings.Builder
	for i := range users {
		token, ok := previous[users[i].Name]
		if !ok {
			var err error
			if token, err = randomToken(); err != nil {
				return err
			}
			fresh++
		}
		users[i].Token = token
		// Static token file format: token,user,uid,"group1,group2".
		fmt.Fprintf(&lines, "%s,%s,uid-%s,\"%s\"\n", token, users[i].Name, users[i].Name, strings.Join(users[i].Groups, ","))
	}
	if readErr == nil {
		if fresh == 0 {
			c.note(nil, c.tokenFile)
		} else {
			c.note(fmt.Errorf("%d user(s) had no token yet", fresh), c.tokenFile)
		}
	}
	return writeSecret(c.tokenFile, []byte(lines.String()))
}

// readTokenFile returns the token of every user in a static token file that kas wrote.
func readTokenFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	tokens := map[string]string{}
	for number, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		fields := strings.SplitN(line, ",", 4)
		if len(fields) < 3 || fields[0] == "" || fields[1] == "" {
			return nil, fmt.Errorf("line %d is not token,user,uid,groups", number+1)
		}
		tokens[fields[1]] = fields[0]
	}
	return tokens, nil
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// kubeconfigFor is the kubeconfig that reaches serverURL as user, trusting caPEM.
func kubeconfigFor(user tokenUser, serverURL string, caPEM []byte) *clientcmdapi.Config {
	config := clientcmdapi.NewConfig()
	config.Clusters["kas"] = &clientcmdapi.Cluster{Server: serverURL, CertificateAuthorityData: caPEM}
	config.AuthInfos[user.Name] = &clientcmdapi.AuthInfo{Token: user.Token}
	config.Contexts[user.Name] = &clientcmdapi.Context{Cluster: "kas", AuthInfo: user.Name, Namespace: "default"}
	config.CurrentContext = user.Name
	return config
}

// checkKubeconfig says why the user's kubeconfig would not reach serverURL as that user, if it
// would not: the port may have changed since the last start, or the CA or token.
func checkKubeconfig(user tokenUser, serverURL string, caPEM []byte) error {
	config, err := clientcmd.LoadFromFile(user.Kubeconfig)
	if err != nil {
		return err
	}
	context := config.Contexts[config.CurrentContext]
	if context == nil {
		return fmt.Errorf("no current context")
	}
	cluster, auth := config.Clusters[context.Cluster], config.AuthInfos[context.AuthInfo]
	switch {
	case cluster == nil || auth == nil:
		return fmt.Errorf("current context has no cluster or user")
	case cluster.Server != serverURL:
		return fmt.Errorf("server is %s, not %s", cluster.Server, serverURL)
	case !slices.Equal(cluster.CertificateAuthorityData, caPEM):
		return fmt.Errorf("CA is not ca.crt")
	case auth.Token != user.Token:
		return fmt.Errorf("token is not the one in tokens.csv")
	}
	return nil
}

// writeSecrets writes each file with mode 0600.
func writeSecrets(files map[string][]byte) error {
	for path, data := range files {
		if err := writeSecret(path, data); err != nil {
			return err
		}
	}
	return nil
}

// logCredentialNotes prints one line for what was reused and one per file made anew.
func logCredentialNotes(w io.Writer, notes []credentialNote) {
	var reused []string
	for _, n := range notes {
		switch n.Action {
		case "reused":
			reused = append(reused, n.File)
		case "created":
			fmt.Fprintf(w, "kas: created %s\n", n.File)
		default:
			fmt.Fprintf(w, "kas: replaced %s: %s\n", n.File, n.Reason)
		}
	}
	if len(reused) > 0 {
		fmt.Fprintf(w, "kas: reused from an earlier start: %s\n", strings.Join(reused, ", "))
	}
}
