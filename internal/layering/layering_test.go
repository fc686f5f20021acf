// Package layering holds tests of the code's shape: which package may
// import which (STYLE.md), and that no code outside authstore changes a
// store except through an authstore operation.
package layering

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/moltbot/moltbot/"

// sources parses the non-test Go files of the package in dir (relative to
// the module root).
func sources(t *testing.T, dir string) map[string]*ast.File {
	t.Helper()
	root := filepath.Join("..", "..", dir)
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(root, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Join(dir, name)] = f
	}
	if len(files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	return files
}

func imports(f *ast.File) []string {
	var out []string
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		out = append(out, p)
	}
	return out
}

// Imports only point down: cmd → tui → views → {authstore, ptyrun}.
func TestImportsPointDown(t *testing.T) {
	rules := map[string]struct {
		forbid []string // import path prefixes
		why    string
	}{
		"authstore": {[]string{"github.com/charmbracelet/", module + "views", module + "tui", module + "cmd", module + "ptyrun", module + "probe"}, "authstore knows files, not screens"},
		"ptyrun":    {[]string{"github.com/charmbracelet/bubbletea", module + "views", module + "tui", module + "cmd", module + "authstore"}, "ptyrun satisfies tea.ExecCommand structurally"},
		"views":     {[]string{module + "tui", module + "cmd"}, "views never import tui or cmd"},
		"tui":       {[]string{module + "cmd"}, "tui never imports cmd"},
		"probe":     {[]string{"github.com/charmbracelet/", module + "views", module + "tui", module + "cmd"}, "probe is below the screens"},
		// termbg replaces the query bubbletea's init made through lipgloss
		// and termenv: a leaf, with nothing that could ask again.
		"internal/termbg":  {[]string{"github.com/charmbracelet/", "github.com/muesli/", module}, "termbg is a leaf without Charm code"},
		"internal/jsondoc": {[]string{"github.com/charmbracelet/", module + "views", module + "tui", module + "cmd"}, "the JSON documents are for scripts, below the screens"},
	}
	for dir, rule := range rules {
		for name, f := range sources(t, dir) {
			for _, p := range imports(f) {
				for _, bad := range rule.forbid {
					if strings.HasPrefix(p, bad) {
						t.Errorf("%s imports %s: %s", name, p, rule.why)
					}
				}
			}
		}
	}
}

// mutators are the *authstore.Store methods that change a store in memory.
// Outside authstore a change is an operation (authstore.SetOrder(…), a
// package function), never one of these on a store value: the rules for a
// change live in authstore once.
var mutators = map[string]bool{
	"PutProfile": true, "RemoveProfile": true, "SetOrder": true, "ClearOrder": true,
	"ResetUsage": true, "PruneDanglingOrder": true,
}

func TestNoStoreChangesOutsideAuthstore(t *testing.T) {
	for _, dir := range []string{"cmd", "tui", "views", "probe"} {
		for name, f := range sources(t, dir) {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !mutators[sel.Sel.Name] {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "authstore" {
					return true // the operation of that name
				}
				t.Errorf("%s calls %s on a store: use the authstore operation instead", name, sel.Sel.Name)
				return true
			})
		}
	}
}
