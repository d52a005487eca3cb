// Command kas runs an embedded etcd and the real kube-apiserver in one process on 127.0.0.1,
// for the ControllerMesh e2e tests and demo. It writes its own PKI, static-token users and
// kubeconfigs into a state directory, and a JSON ready file once /readyz answers 200.
//
// Usage:
//
//	kas [serve] --dir DIR [--port N] [--ready-file FILE] [--users alice,bob] [--stop-on-stdin-close]
//	    [-- extra kube-apiserver flags...]
//	kas webhook-cert --dir DIR [--hosts 127.0.0.1,localhost]
//	kas --help
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

// options is the wrapper's own configuration; kube-apiserver flags go after "--".
type options struct {
	dir              string
	port             int
	readyFile        string
	users            []string
	readyTimeout     time.Duration
	stopOnStdinClose bool
	extraArgs        []string
}

// usage is what `kas --help` prints before serve's flags: both subcommands, so that a reader
// of the help finds webhook-cert without reading the source (issue 9).
const usage = `Usage:
  kas [serve] --dir DIR [flags] [-- extra kube-apiserver flags...]
      run etcd and kube-apiserver on 127.0.0.1 (serve is the default subcommand)
  kas webhook-cert --dir DIR [--hosts 127.0.0.1,localhost]
      write a CA and a serving pair for a webhook on loopback (kas webhook-cert --help)

Flags of serve:
`

func main() {
	os.Exit(runCommand(os.Args[1:], os.Stderr))
}

// runCommand picks the subcommand and returns the exit status: 0 after --help, 2 for bad flags.
func runCommand(args []string, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "webhook-cert":
			return runWebhookCert(args[1:])
		case "serve":
			args = args[1:]
		case "help":
			args = []string{"--help"}
		}
	}
	opts, err := parseOptions(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "kas: %v\n", err)
		return 2
	}
	return run(opts)
}

func parseOptions(args []string, output io.Writer) (options, error) {
	fs := flag.NewFlagSet("kas", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	dir := fs.String("dir", os.Getenv("KAS_DIR"), "state directory: etcd data, PKI, kubeconfigs (env KAS_DIR)")
	port := fs.Int("port", 0, "kube-apiserver secure port on 127.0.0.1; 0 picks a free one")
	readyFile := fs.String("ready-file", "", "where to write the JSON ready file (default DIR/kas.json)")
	users := fs.String("users", "alice,bob", "comma-separated non-admin static-token users")
	readyTimeout := fs.Duration("ready-timeout", 120*time.Second, "give up when /readyz is not 200 after this long")
	stopOnStdinClose := fs.Bool("stop-on-stdin-close", false, "shut down gracefully when stdin reaches EOF, e.g. because the parent died")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if *dir == "" {
		return options{}, fmt.Errorf("--dir (or KAS_DIR) is required")
	}
	absDir, err := filepath.Abs(*dir)
	if err != nil {
		return options{}, err
	}
	opts := options{
		dir:              absDir,
		port:             *port,
		readyFile:        *readyFile,
		readyTimeout:     *readyTimeout,
		stopOnStdinClose: *stopOnStdinClose,
		extraArgs:        fs.Args(),
	}
	if opts.readyFile == "" {
		opts.readyFile = filepath.Join(absDir, "kas.json")
	}
	for _, name := range strings.Split(*users, ",") {
		if name = strings.TrimSpace(name); name != "" {
			opts.users = append(opts.users, name)
		}
	}
	return opts, nil
}

// run removes a stale ready file, starts etcd, prepares credentials (reusing an earlier
// start's), then runs kube-apiserver until it stops. The apiserver command owns the process's SIGTERM/SIGINT handling (it may only be installed once
// per process), so etcd is closed after the command returns rather than from our own handler.
func run(opts options) int {
	if err := os.MkdirAll(opts.dir, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "kas: %v\n", err)
		return 1
	}
	// A ready file left by a start that was killed would announce a server that is not there
	// (yet): remove it before anything else, so a reader that finds one knows it is ours.
	if err := removeStaleReadyFile(opts.readyFile); err != nil {
		fmt.Fprintf(os.Stderr, "kas: %v\n", err)
		return 1
	}
	port := opts.port
	if port == 0 {
		free, err := freeLoopbackPort()
		if err != nil {
			fmt.Fprintf(os.Stderr, "kas: %v\n", err)
			return 1
		}
		port = free
	}
	serverURL := fmt.Sprintf("https://127.0.0.1:%d", port)

	creds, err := prepareCredentials(opts.dir, serverURL, opts.users, time.Now())
	if err != nil {
		fmt.Fprintf(os.Stderr, "kas: preparing credentials: %v\n", err)
		return 1
	}
	logCredentialNotes(os.Stderr, creds.notes)

	etcd, err := startEtcd(filepath.Join(opts.dir, "etcd"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "kas: starting etcd: %v\n", err)
		return 1
	}
	defer etcd.close()

	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(append(apiserverArgs(port, etcd.clientURL, creds), opts.extraArgs...))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go announceWhenReady(ctx, opts, serverURL, creds)
	if opts.stopOnStdinClose {
		// A parent killed with SIGKILL cannot stop us, but its end of our stdin pipe closes.
		go stopWhenStdinCloses()
	}

	return cli.Run(cmd)
}

// apiserverArgs are the kube-apiserver flags for a single loopback control plane without
// kube-controller-manager, kubelets or kube-proxy.
// stopWhenStdinCloses sends this process SIGTERM at EOF on stdin, so the apiserver's own handler
// (installed by NewAPIServerCommand) runs the usual graceful shutdown.
func stopWhenStdinCloses() {
	_, _ = io.Copy(io.Discard, os.Stdin)
	fmt.Fprintln(os.Stderr, "kas: stdin closed, shutting down")
	_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
}

func apiserverArgs(port int, etcdURL string, creds credentials) []string {
	return []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", port),
		"--tls-cert-file=" + creds.servingCert,
		"--tls-private-key-file=" + creds.servingKey,
		"--client-ca-file=" + creds.caCert,
		"--token-auth-file=" + creds.tokenFile,
		// Without RBAC every authenticated user would be allowed everything.
		"--authorization-mode=RBAC",
		"--enable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
		// No controller-manager creates the "default" ServiceAccount that this plugin insists on.
		"--disable-admission-plugins=ServiceAccount",
		"--service-account-issuer=" + serviceAccountIssuer,
		"--service-account-key-file=" + creds.serviceAccountKey,
		"--service-account-signing-key-file=" + creds.serviceAccountKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		// 127.0.0.1 is not a valid Endpoints address, so the kubernetes Service gets none.
		"--endpoint-reconciler-type=none",
		"--allow-privileged=true",
		"--audit-policy-file=" + creds.auditPolicy,
		"--audit-log-path=" + creds.auditLog,
		"--audit-log-maxbackup=1",
		"--audit-log-maxsize=100",
	}
}
