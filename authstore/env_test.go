package authstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseEnv(t *testing.T) {
	cases := []struct {
		line     string
		key, val string // key "" = not an assignment
	}{
		{"KEY=value", "KEY", "value"},
		{"export KEY=value", "KEY", "value"},
		{"  export\tKEY = value  ", "KEY", "value"},
		{"export=1", "export", "1"},
		{"exportKEY=1", "exportKEY", "1"},
		{`KEY="a b"`, "KEY", "a b"},
		{`KEY='a # b'`, "KEY", "a # b"},
		{"KEY=`tick`", "KEY", "tick"},
		{`KEY="a b" # comment`, "KEY", "a b"},
		{`KEY='x'   `, "KEY", "x"},
		{"KEY=value # comment", "KEY", "value"},
		{"KEY=val#ue", "KEY", "val"},
		{`KEY="a\nb"`, "KEY", "a\nb"},
		{`KEY='a\nb'`, "KEY", `a\nb`},
		{`KEY="it's"`, "KEY", "it's"},
		{`KEY='a'b`, "KEY", "'a'b"},
		{`KEY="unterminated`, "KEY", `"unterminated`},
		{"KEY=", "KEY", ""},
		{"KEY=''", "KEY", ""},
		{"KEY=value\r", "KEY", "value"},
		{"KEY=\"q\"\r", "KEY", "q"},
		{"A.B-C=1", "A.B-C", "1"},
		{"# KEY=commented", "", ""},
		{"   # indented comment", "", ""},
		{"", "", ""},
		{"   ", "", ""},
		{"\r", "", ""},
		{"NOEQUALS", "", ""},
		{"=value", "", ""},
		{"BAD KEY=1", "", ""},
		{"KEY: value", "KEY", "value"}, // dotenv reads "KEY: value" too
		{"KEY:value", "", ""},
	}
	for _, tc := range cases {
		as := ParseEnv([]byte(tc.line + "\n"))
		if tc.key == "" {
			if len(as) != 0 {
				t.Errorf("%q: read as %+v, want no assignment", tc.line, as)
			}
			continue
		}
		if len(as) != 1 || as[0].Key != tc.key || as[0].Value != tc.val {
			t.Errorf("%q: got %+v, want %q=%q", tc.line, as, tc.key, tc.val)
		}
	}
}

func TestParseEnvAssignmentsAndWhereTheyAre(t *testing.T) {
	data := "# gateway env\r\nANTHROPIC_API_KEY=a\r\n\r\n  export OPENAI_API_KEY='b\r\nc' # note\nlast=no-newline"
	got := ParseEnv([]byte(data))
	want := []EnvAssignment{
		{Key: "ANTHROPIC_API_KEY", Value: "a", Start: 15, End: 34},
		{Key: "OPENAI_API_KEY", Value: "b\nc", Export: true, Start: 38, End: 75},
		{Key: "last", Value: "no-newline", Start: 76, End: 91},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %+v, want %+v (%q)", i, got[i], want[i], data[got[i].Start:got[i].End])
		}
	}
	if ParseEnv(nil) != nil {
		t.Error("empty data has assignments")
	}
}

func TestFindEnvCredentials(t *testing.T) {
	getenv := mapEnv(map[string]string{"OPENAI_API_KEY": " sk-FAKEproc ", "ANTHROPIC_API_KEY": "", "HOME": "/x"})
	dotenv := ParseEnv([]byte("ANTHROPIC_API_KEY=first\nOPENROUTER_API_KEY=\nANTHROPIC_API_KEY=second\nUNRELATED=1\nOPENAI_API_KEY=fromfile\n"))
	got := FindEnvCredentials(getenv, dotenv)
	want := []EnvCredential{
		{Provider: "openai", Var: "OPENAI_API_KEY", Source: SourceProcessEnv, Value: "sk-FAKEproc"},
		{Provider: "anthropic", Var: "ANTHROPIC_API_KEY", Source: SourceDotEnv, Value: "second"},
		{Provider: "openai", Var: "OPENAI_API_KEY", Source: SourceDotEnv, Value: "fromfile"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if v := EnvProviderVar("Z.AI"); v != "ZAI_API_KEY" {
		t.Errorf("EnvProviderVar(z.ai) = %q", v)
	}
	if v := EnvProviderVar("nope"); v != "" {
		t.Errorf("EnvProviderVar(nope) = %q", v)
	}
}

func TestSetEnvLine(t *testing.T) {
	cases := []struct {
		name, data, key, value, want string
	}{
		{"append to empty", "", "K", "v", "K=v\n"},
		{"append keeps a final line without newline", "# c\nA=1", "K", "v", "# c\nA=1\nK=v\n"},
		{
			"replace in place, everything else byte for byte",
			"# header\r\n\r\nA=1\r\nK=old # note\r\n  B = '2'\r\n",
			"K", "new",
			"# header\r\n\r\nA=1\r\nK=new\r\n  B = '2'\r\n",
		},
		{"keeps export", "export K=old\nZ=9\n", "K", "new", "export K=new\nZ=9\n"},
		{"later duplicates removed so the new value wins", "K=1\nA=x\nK=2\n", "K", "3", "K=3\nA=x\n"},
		{"a commented assignment is not touched", "# K=old\n", "K", "v", "# K=old\nK=v\n"},
		{"value with space and # is quoted", "", "K", "a #b", "K='a #b'\n"},
		{"value with a single quote uses double quotes", "", "K", "it's", "K=\"it's\"\n"},
		{"value with a double quote uses single quotes", "", "K", `say "hi"`, "K='say \"hi\"'\n"},
		{"leading blank is kept by quoting", "", "K", " v", "K=' v'\n"},
		{"empty value", "", "K", "", "K=''\n"},
		{"keeps blank lines at the end", "A=1\n\n\n", "K", "v", "A=1\n\n\nK=v\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SetEnvLine([]byte(tc.data), tc.key, tc.value)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			var found []string
			for _, l := range ParseEnv(got) {
				if l.Key == tc.key {
					found = append(found, l.Value)
				}
			}
			if len(found) != 1 || found[0] != tc.value {
				t.Errorf("re-parsed %s = %q, want exactly [%q]", tc.key, found, tc.value)
			}
		})
	}
}

func TestSetEnvLineRefuses(t *testing.T) {
	for _, tc := range []struct{ key, value, why string }{
		{"", "v", "invalid variable name"},
		{"1K", "v", "invalid variable name"},
		{"A-B", "v", "invalid variable name"},
		{"K", "a\nb", "line break"},
		{"K", "a\rb", "line break"},
		{"K", "a\x00b", "NUL"},
		{"K", `it's "x"`, "single quote"},
		{"K", `it's \n`, "single quote"},
	} {
		data := []byte("A=1\n")
		out, err := SetEnvLine(data, tc.key, tc.value)
		if err == nil || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("SetEnvLine(%q, %q) = %q, %v; want an error about %s", tc.key, tc.value, out, err, tc.why)
		}
		if err != nil && len(tc.value) > 3 && strings.Contains(err.Error(), tc.value) {
			t.Errorf("error %q repeats the value", err)
		}
	}
}

func TestSetEnvVar(t *testing.T) {
	old := setUmask(0) // the most permissive: modes must not depend on the umask
	defer setUmask(old)
	p := newTestPaths(t)
	if err := SetEnvVar(p, "ANTHROPIC_API_KEY", fakeAPI); err != nil {
		t.Fatal(err)
	}
	if m := fileMode(t, p.Env); m != 0o600 {
		t.Errorf(".env mode %o, want 600", m)
	}
	if m := fileMode(t, p.StateDir); m != 0o700 {
		t.Errorf("state dir mode %o, want 700", m)
	}
	if got := string(readFile(t, p.Env)); got != "ANTHROPIC_API_KEY="+fakeAPI+"\n" {
		t.Errorf(".env = %q", got)
	}
	// An existing file keeps its other lines; a wider mode is narrowed.
	body := "# daemon env\nFOO=bar\nANTHROPIC_API_KEY=old\n\nexport BAZ='q'\n"
	writeFile(t, p.Env, []byte(body))
	if err := os.Chmod(p.Env, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SetEnvVar(p, "ANTHROPIC_API_KEY", "sk-ant-api03-FAKEnew"); err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, p.Env)); got != strings.Replace(body, "=old", "=sk-ant-api03-FAKEnew", 1) {
		t.Errorf(".env = %q", got)
	}
	if m := fileMode(t, p.Env); m != 0o600 {
		t.Errorf(".env mode %o, want 600", m)
	}
	lines, err := LoadEnvFile(p.Env)
	if err != nil || len(lines) != 3 || lines[1].Value != "sk-ant-api03-FAKEnew" {
		t.Errorf("LoadEnvFile = %+v, %v", lines, err)
	}
	// A refused value changes nothing.
	before := readFile(t, p.Env)
	if err := SetEnvVar(p, "K", "a\nb"); err == nil {
		t.Error("a value with a line break was accepted")
	}
	if string(readFile(t, p.Env)) != string(before) {
		t.Error("a refused value changed the file")
	}
	// A symlinked .env stays a symlink; its target is what changes.
	target := filepath.Join(t.TempDir(), "real.env")
	writeFile(t, target, []byte("A=1\n"))
	if err := os.Remove(p.Env); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p.Env); err != nil {
		t.Fatal(err)
	}
	if err := SetEnvVar(p, "B", "2"); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(p.Env); fi.Mode()&os.ModeSymlink == 0 {
		t.Error(".env symlink replaced by a file")
	}
	if got := string(readFile(t, target)); got != "A=1\nB=2\n" {
		t.Errorf("target = %q", got)
	}
}

func TestLoadEnvFileMissing(t *testing.T) {
	lines, err := LoadEnvFile(filepath.Join(t.TempDir(), ".env"))
	if err != nil || lines != nil {
		t.Errorf("missing .env: %v, %v", lines, err)
	}
}

// DaemonGetenv: a variable set in the process wins; one unset or empty
// there is read from .env, where the last assignment counts (as dotenv
// reads it); without a .env file only the process counts.
func TestDaemonGetenv(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	if err := os.WriteFile(path, []byte("ANTHROPIC_BASE_URL=http://first\nOPENAI_BASE_URL='http://openai'\nANTHROPIC_BASE_URL=http://last\nEMPTY_IN_PROCESS=from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	process := map[string]string{"OPENAI_BASE_URL": "http://process", "EMPTY_IN_PROCESS": ""}
	get := DaemonGetenv(func(k string) string { return process[k] }, path)
	for k, want := range map[string]string{
		"OPENAI_BASE_URL":    "http://process",
		"ANTHROPIC_BASE_URL": "http://last",
		"EMPTY_IN_PROCESS":   "from-file",
		"UNSET":              "",
	} {
		if got := get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if got := DaemonGetenv(nil, path)("OPENAI_BASE_URL"); got != "http://openai" {
		t.Errorf("nil process environment: %q", got)
	}
	if got := DaemonGetenv(func(k string) string { return process[k] }, filepath.Join(dir, "missing.env"))("ANTHROPIC_BASE_URL"); got != "" {
		t.Errorf("no .env: %q", got)
	}
}
