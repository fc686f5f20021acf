package ptyrun_test

import (
	"context"
	"errors"
	"os/exec"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/ptyrun"
)

type loginFinishedMsg struct {
	token string
	err   error
}

// A wizard hands the terminal to `claude setup-token` with tea.Exec and
// gets the captured token (or why there is none) back as a message.
func ExampleSession() {
	login := func(ctx context.Context) tea.Cmd {
		s := ptyrun.New(ctx, exec.Command("claude", "setup-token"), ptyrun.Options{
			Name:    "claude setup-token",
			Banner:  ptyrun.CancelHint("claude setup-token"),
			Timeout: 15 * time.Minute,
		})
		return tea.Exec(s, func(err error) tea.Msg {
			tok, _ := s.Result().Token()
			return loginFinishedMsg{token: tok, err: err}
		})
	}
	_ = login

	// In Update: decide by the token alone, and say exactly why not.
	handle := func(msg loginFinishedMsg) string {
		switch {
		case msg.err == nil:
			return "captured a token" // show it masked, ask to confirm
		case errors.Is(msg.err, ptyrun.ErrCancelled):
			return "cancelled: try again · paste it · back"
		default:
			return msg.err.Error() // e.g. "claude setup-token exited with status 1: …"
		}
	}
	_ = handle
}
