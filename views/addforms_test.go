package views

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
)

// slowReader gives its keys one read at a time, as a terminal does, then
// blocks until the test ends (a terminal does not end).
type slowReader struct {
	keys [][]byte
	done chan struct{}
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.keys) == 0 {
		<-r.done
		return 0, io.EOF
	}
	time.Sleep(20 * time.Millisecond)
	n := copy(p, r.keys[0])
	r.keys = r.keys[1:]
	return n, nil
}

func runStep(t *testing.T, sf StepForm, keys WizardKeys, input ...string) (string, error) {
	t.Helper()
	r := &slowReader{done: make(chan struct{})}
	defer close(r.done)
	for _, k := range input {
		r.keys = append(r.keys, []byte(k))
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := RunAddStep(ctx, sf, keys, nil, r, &out)
	return out.String(), err
}

// TestRunAddStep: `models auth add` runs a step's form as the wizard does:
// enter answers it, the back key on its first question goes back, the quit
// key leaves, and the live description follows what is typed.
func TestRunAddStep(t *testing.T) {
	keys := testWizardKeys()
	v := NewAddValues()
	out, err := runStep(t, nameForm(v, AddContext{}), keys, "\x15", "work", "\r")
	if err != nil || v.Name != "work" {
		t.Fatalf("enter: %v, name %q", err, v.Name)
	}
	if !strings.Contains(out, "Saved as anthropic:work") {
		t.Errorf("the description did not follow the name:\n%q", out)
	}
	v = NewAddValues()
	v.Method = AddAnthropicAPIKey
	if _, err := runStep(t, secretForm(v, AddContext{}), keys, "\x1b"); !errors.Is(err, ErrAddBack) {
		t.Errorf("esc: %v, want ErrAddBack", err)
	}
	if _, err := runStep(t, secretForm(v, AddContext{}), keys, "hello", "\x03"); !errors.Is(err, huh.ErrUserAborted) {
		t.Errorf("ctrl+c: %v, want huh.ErrUserAborted", err)
	}
	// Rebound keys are the ones that work.
	keys.Back = key.NewBinding(key.WithKeys("ctrl+b"), key.WithHelp("ctrl+b", "back"))
	if _, err := runStep(t, nameForm(v, AddContext{}), keys, "\x02"); !errors.Is(err, ErrAddBack) {
		t.Errorf("rebound back: %v, want ErrAddBack", err)
	}
}
