package views

import (
	"errors"
	"reflect"
	"testing"
)

// $VISUAL wins over $EDITOR, either may carry arguments, and without them
// the first default found is used; a variable naming a missing program
// says so rather than falling back.
func TestChooseEditor(t *testing.T) {
	look := func(have ...string) func(string) (string, error) {
		return func(name string) (string, error) {
			for _, h := range have {
				if h == name {
					return "/bin/" + name, nil
				}
			}
			return "", errors.New("not found")
		}
	}
	for _, tc := range []struct {
		name, visual, editor string
		have                 []string
		want                 []string
		err                  string
	}{
		{"visual first", "code -w", "vim", []string{"code", "vim", "nano"}, []string{"/bin/code", "-w"}, ""},
		{"editor", "", "vim", []string{"vim", "nano"}, []string{"/bin/vim"}, ""},
		{"blank is unset", "  ", "", []string{"nano", "vi"}, []string{"/bin/nano"}, ""},
		{"debian's alternative", "", "", []string{"editor", "nano"}, []string{"/bin/editor"}, ""},
		{"vi at last", "", "", []string{"vi"}, []string{"/bin/vi"}, ""},
		{"missing", "", "emacsclient", []string{"nano"}, nil, `$EDITOR is "emacsclient", which is not on PATH; fix it, or unset it`},
		{"none", "", "", nil, nil, "no editor: set $VISUAL or $EDITOR (e.g. export EDITOR=nano), or install nano or vi"},
	} {
		got, err := chooseEditor(tc.visual, tc.editor, look(tc.have...))
		if !reflect.DeepEqual(got, tc.want) || (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("%s: %v, %v; want %v, %q", tc.name, got, err, tc.want, tc.err)
		}
	}
}
