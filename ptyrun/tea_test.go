package ptyrun

import (
	"errors"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// A Session is what tea.Exec takes.
var _ tea.ExecCommand = (*Session)(nil)

type execDoneMsg struct{ err error }

// execModel runs a session with tea.Exec as soon as it starts, then waits
// for one key and quits.
type execModel struct {
	sess *Session
	done chan error // receives Run's error when the callback arrives
	key  string
}

func (m *execModel) Init() tea.Cmd {
	return tea.Exec(m.sess, func(err error) tea.Msg { return execDoneMsg{err} })
}

func (m *execModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case execDoneMsg:
		m.done <- msg.err
	case tea.KeyMsg:
		m.key = msg.String()
		return m, tea.Quit
	}
	return m, nil
}

func (m *execModel) View() string { return "tui\n" }

// Through bubbletea's own tea.Exec: the child gets the keyboard while it
// runs, and the first key typed after it ends goes to the TUI.
func TestSessionUnderTeaExec(t *testing.T) {
	requirePTY(t)
	in := newPipeIn(t)
	out := &screen{}
	m := &execModel{sess: New(nil, helperCmd("echo"), Options{Name: "helper"}), done: make(chan error, 1)}
	p := tea.NewProgram(m, tea.WithInput(in.r), tea.WithOutput(out), tea.WithoutSignalHandler())
	finished := make(chan error, 1)
	go func() {
		_, err := p.Run()
		finished <- err
	}()
	out.waitFor(t, "ready")
	in.typeKeys(t, "to the child\r")
	out.waitFor(t, "got <to the child>")
	in.typeKeys(t, "quit\r")
	select {
	case err := <-m.done:
		if !errors.Is(err, ErrNoToken) || m.sess.Result().ExitCode != 0 {
			t.Fatalf("exec callback error = %v, result %+v", err, m.sess.Result())
		}
	case <-time.After(20 * time.Second):
		p.Kill()
		t.Fatal("the exec callback never arrived")
	}
	in.typeKeys(t, "x")
	select {
	case err := <-finished:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		p.Kill()
		t.Fatal("the TUI never got the key typed after the child ended")
	}
	if m.key != "x" {
		t.Fatalf("TUI got key %q, want x", m.key)
	}
}
