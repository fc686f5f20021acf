package views

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/ptyrun"
)

// The wizard's sign-in step (StepLogin): it finds `claude`, hands it the
// terminal (tea.Exec with a ptyrun session) and offers ways on from what
// came back. Its screens are data (loginScreens): what each says, what it
// asks, and where each answer and esc lead.

// loginState is what the sign-in step keeps between its screens.
type loginState struct {
	claudePath string
	attempt    int          // runs so far; a LoginFinishedMsg names its attempt
	err        error        // why the last run captured no token
	left       wizardScreen // the screen the user went on from (shown again on back)
}

// loginScreen is one screen of the sign-in step.
type loginScreen struct {
	text    func(w *Wizard, t *textBuilder)
	title   func(w *Wizard) string
	options []loginOption // the first is selected
	back    wizardScreen  // where esc goes; 0: the step before the sign-in
}

// loginOption is one answer of a sign-in screen.
type loginOption struct {
	label func(w *Wizard) string
	do    func(w *Wizard) tea.Cmd
}

func label(s string) func(*Wizard) string { return func(*Wizard) string { return s } }

// loginScreens is set in init: its actions refer back to it.
var loginScreens map[wizardScreen]loginScreen

func init() {
	var (
		paste     = loginOption{label("Paste a token"), (*Wizard).pasteToken}
		back      = loginOption{label("Back"), (*Wizard).back}
		start     = loginOption{label("Start " + SetupTokenCommand), (*Wizard).runLogin}
		backIntro = loginOption{label("Back"), func(w *Wizard) tea.Cmd { return w.showLogin(screenLoginIntro) }}
	)
	with := func(o loginOption, l string) loginOption { o.label = label(l); return o }
	loginScreens = map[wizardScreen]loginScreen{
		screenClaudeMissing: {
			text: func(_ *Wizard, t *textBuilder) {
				t.para(t.st.Bad, 2, "✗ Claude Code is not installed (`claude` is not on your PATH)")
				t.para(t.st.Text, 2, "  Install it, then choose “Look again”:")
				t.code(ClaudeInstallHint)
				t.para(t.st.Dim, 2, "  Or paste a token made with `"+SetupTokenCommand+"` on another machine.")
			},
			title:   func(*Wizard) string { return "What now?" },
			options: []loginOption{paste, {label("Look again (after installing)"), (*Wizard).findClaude}, back},
		},
		screenLoginIntro: {
			text: func(_ *Wizard, t *textBuilder) {
				t.para(t.st.Text, 0, "moltbot hands this terminal to `"+SetupTokenCommand+"`:")
				t.para(t.st.Text, 5, "  1. Sign in in the browser it opens (or open the link it shows).")
				t.para(t.st.Text, 5, "  2. Paste the code you get into claude and press enter.")
				t.para(t.st.Text, 5, "  3. moltbot picks up the token by itself: nothing to copy.")
				t.para(t.st.Dim, 0, "Press "+ptyrun.EscapeKeyName+" at any time to cancel and come back here.")
			},
			title:   func(*Wizard) string { return "Ready?" },
			options: []loginOption{start, with(paste, "Paste a token instead")},
		},
		screenCaptured: {
			text: func(w *Wizard, t *textBuilder) {
				t.para(t.st.OK, 2, "✓ Captured a setup token from `"+SetupTokenCommand+"`")
				t.lines = append(t.lines, "  "+t.st.Code.Render(authstore.SafeText(authstore.Mask(w.v.Secret)))+
					t.st.Dim.Render(fmt.Sprintf("  %d characters, valid for 1 year", len(w.v.Secret))))
			},
			title: func(w *Wizard) string { return "Save it as " + w.v.ProfileID() + "?" },
			options: []loginOption{
				{label("Yes, use this token"), (*Wizard).useToken},
				with(start, "Run "+SetupTokenCommand+" again"),
				with(paste, "Paste a different token"),
			},
			back: screenLoginIntro,
		},
		screenNoToken: {
			text: func(w *Wizard, t *textBuilder) {
				t.para(t.st.Bad, 2, "✗ No token was captured")
				t.para(t.st.Text, 2, "  "+loginWhy(w.login.err))
				t.para(t.st.Dim, 2, "  "+loginHint(w.login.err))
			},
			title:   func(*Wizard) string { return "What now?" },
			options: []loginOption{with(start, "Try again"), with(paste, "Paste the token"), backIntro},
			back:    screenLoginIntro,
		},
	}
}

// showLogin shows sign-in screen s with its question.
func (w *Wizard) showLogin(s wizardScreen) tea.Cmd {
	ls := loginScreens[s]
	w.screen = s
	*w.choice = 0
	opts := make([]huh.Option[int], len(ls.options))
	for i, o := range ls.options {
		opts[i] = huh.NewOption(o.label(w), i)
	}
	return w.startForm(StepForm{Form: huh.NewForm(huh.NewGroup(
		huh.NewSelect[int]().Title(ls.title(w)).Options(opts...).Value(w.choice),
	))})
}

// claudeFoundMsg says where `claude` is, or that it is missing.
type claudeFoundMsg struct {
	path string
	err  error
}

// findClaude looks for `claude` on PATH.
func (w *Wizard) findClaude() tea.Cmd {
	w.setScreen(screenFinding)
	lookPath := w.opts.LookPath
	return func() tea.Msg {
		p, err := FindClaude(lookPath)
		return claudeFoundMsg{path: p, err: err}
	}
}

func (w *Wizard) claudeFound(msg claudeFoundMsg) tea.Cmd {
	if w.screen != screenFinding {
		return nil
	}
	if msg.err != nil {
		return w.showLogin(screenClaudeMissing)
	}
	w.login.claudePath = msg.path
	return w.showLogin(screenLoginIntro)
}

// pasteToken goes on to the hidden input for a token; esc there comes
// back to this screen.
func (w *Wizard) pasteToken() tea.Cmd {
	w.login.left = w.screen
	w.v.Paste, w.v.Secret = true, ""
	return w.forward()
}

// useToken goes on with the captured token.
func (w *Wizard) useToken() tea.Cmd {
	w.login.left = w.screen
	w.v.Paste = false
	return w.forward()
}

// runLogin hands the terminal to `claude setup-token`.
func (w *Wizard) runLogin() tea.Cmd {
	w.login.attempt++
	w.setScreen(screenRunning)
	w.v.Secret = ""
	login := w.opts.Login
	if login == nil {
		login = SetupTokenLogin
	}
	return login(w.opts.Context, w.login.claudePath, LoginOptions{
		ID:      "wizard-" + strconv.Itoa(w.login.attempt),
		Env:     w.opts.LoginEnv,
		Timeout: w.opts.LoginTimeout,
		Clock:   w.env.Clock,
	})
}

func (w *Wizard) loginFinished(msg LoginFinishedMsg) tea.Cmd {
	if w.screen != screenRunning || msg.ID != "wizard-"+strconv.Itoa(w.login.attempt) {
		return nil
	}
	if msg.Err == nil && msg.Token != "" {
		tok, err := authstore.NormalizeToken("anthropic", msg.Token)
		if err == nil {
			w.v.Secret, w.v.Paste = tok, false
			w.v.IssuedAt = msg.At
			if w.v.IssuedAt.IsZero() {
				w.v.IssuedAt = w.now
			}
			w.login.err = nil
			return w.showLogin(screenCaptured)
		}
		msg.Err = err
	}
	w.login.err = msg.Err
	if w.login.err == nil {
		w.login.err = errors.New(SetupTokenCommand + " returned no token")
	}
	return w.showLogin(screenNoToken)
}

// loginWhy is why a run captured no token, without repeating that it did
// not ("… exited with status 1.").
func loginWhy(err error) string {
	why := err.Error()
	for _, tail := range []string{": no token was captured", "; no token was captured", " and no token was captured"} {
		why = strings.TrimSuffix(why, tail)
	}
	if !strings.HasSuffix(why, ".") {
		why += "."
	}
	return why
}

// loginHint says what to do about a failed capture.
func loginHint(err error) string {
	var se *ptyrun.ScanError
	var te *authstore.TokenError
	switch {
	case errors.Is(err, ptyrun.ErrCancelled):
		return "Run it again when you are ready, or paste a token."
	case errors.Is(err, ptyrun.ErrTimeout):
		return "Run it again and finish signing in sooner, or paste a token."
	case errors.As(err, &se) && se.Reason != ptyrun.NoToken:
		return "If claude showed a token, paste it instead: copy all of it (line breaks are fine)."
	case errors.As(err, &te):
		return "Paste the token instead: copy all of it (line breaks are fine)."
	}
	return "Try again, or paste a token you made elsewhere."
}
