package main

import (
	"bytes"
	"strings"
	"testing"
)

// kas --help listed serve's flags only, so webhook-cert could be found only in the source (issue 9).
func TestHelpListsEverySubcommandAndExitsZero(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"serve", "--help"}, {"help"}} {
		var out bytes.Buffer
		if code := runCommand(args, &out); code != 0 {
			t.Errorf("kas %s exited %d, want 0", strings.Join(args, " "), code)
		}
		for _, want := range []string{"kas [serve] --dir DIR", "kas webhook-cert --dir DIR", "-stop-on-stdin-close"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("kas %s printed no %q:\n%s", strings.Join(args, " "), want, out.String())
			}
		}
	}
}

func TestUnknownFlagShowsTheUsageAndExitsTwo(t *testing.T) {
	var out bytes.Buffer
	if code := runCommand([]string{"--no-such-flag"}, &out); code != 2 {
		t.Errorf("exit status %d, want 2", code)
	}
	for _, want := range []string{"flag provided but not defined: -no-such-flag", "kas webhook-cert"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output has no %q:\n%s", want, out.String())
		}
	}
}

func TestMissingDirIsAnErrorNotHelp(t *testing.T) {
	t.Setenv("KAS_DIR", "")
	var out bytes.Buffer
	if code := runCommand([]string{"serve"}, &out); code != 2 {
		t.Errorf("exit status %d, want 2", code)
	}
	if !strings.Contains(out.String(), "kas: --dir (or KAS_DIR) is required") {
		t.Errorf("output: %s", out.String())
	}
}
