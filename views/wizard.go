package views

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"

	"github.com/moltbot/moltbot/authstore"
)

// The onboarding wizard (SPEC §7): the add flow of addflow.go inside the
// bubbletea program. The flow says which step is current; the wizard shows
// that step's form, or does the step itself: the `claude setup-token`
// handover (wizard_login.go) and the save. esc goes back (to the form's
// previous question, else to the step before; the form never sees it),
// ctrl+c closes the wizard with nothing written. The answers live in one
// heap *AddValues that outlives the forms; the captured token lives only
// there, in memory, and is shown only masked.

// WizardKeys are the wizard's own bindings; inside a step, the form keeps
// huh's (enter, arrows, tab). `models auth add` uses Back and Quit too.
type WizardKeys struct {
	// Back goes to the previous step (and closes the wizard on the first).
	Back key.Binding
	// Quit leaves the wizard with nothing written.
	Quit key.Binding
	// Done closes the result screen.
	Done key.Binding
}

// WizardStyles are the wizard's styles; Form is the huh theme of its forms.
type WizardStyles struct {
	Title, Step     lipgloss.Style // the header: "Add a credential", "step 2 of 5 · …"
	Text, Dim       lipgloss.Style
	OK, Warn, Bad   lipgloss.Style // ✓, ⚠ and ✗ lines
	Code            lipgloss.Style // commands to type, masked secrets
	Key             lipgloss.Style // keys named in running text
	Form            *huh.Theme
	FormMaxWidth    int // 0: 76 cells
	SummaryMinSpare int // rows the form needs before earlier answers are shown; 0: 8
}

// WizardOptions are what the wizard needs beyond Env: how to find and run
// `claude`. The zero value uses the real PATH and environment.
type WizardOptions struct {
	// Context cancels a running `claude setup-token` (nil: Background).
	Context context.Context
	// LookPath finds `claude` (nil: exec.LookPath).
	LookPath func(string) (string, error)
	// LoginEnv is the environment of `claude setup-token` (nil: inherited).
	LoginEnv []string
	// LoginTimeout bounds one run (0: DefaultLoginTimeout).
	LoginTimeout time.Duration
	// Login starts a run and yields its LoginFinishedMsg (nil:
	// SetupTokenLogin). Tests replace it to skip the terminal handover.
	Login func(ctx context.Context, claudePath string, opts LoginOptions) tea.Cmd
}

// wizardScreen is what the wizard shows for the flow's current step.
type wizardScreen int

const (
	screenLoading       wizardScreen = iota // reading the store (transient)
	screenForm                              // the current step's form
	screenChecking                          // reading the store after a step (transient)
	screenFinding                           // sign-in: looking for claude (transient)
	screenClaudeMissing                     // sign-in: no `claude` on PATH
	screenLoginIntro                        // sign-in: about to hand the terminal over
	screenRunning                           // sign-in: `claude setup-token` has the terminal (transient)
	screenCaptured                          // sign-in: token captured, shown masked
	screenNoToken                           // sign-in: nothing captured: try again · paste · back
	screenSaving                            // writing (transient)
	screenResult                            // what was written, what to try next
	screenBroken                            // the store cannot be read: say so, nothing else
)

// transient reports whether the screen waits for a command rather than
// the user.
func (s wizardScreen) transient() bool {
	return s == screenLoading || s == screenChecking || s == screenFinding || s == screenRunning || s == screenSaving
}

// Wizard is the onboarding screen: `moltbot onboard`, and `a` on the
// dashboard.
type Wizard struct {
	env  Env
	opts WizardOptions
	keys WizardKeys
	st   WizardStyles

	v    *AddValues
	flow *AddFlow

	screen wizardScreen
	host   *formHost // the screen's form; nil on screens without one
	choice *int      // a sign-in screen's answer (on the heap: its form binds to it)
	w, h   int
	now    time.Time

	stepErr     error // why the step is asked again (the store could not be read)
	login       loginState
	saved       *wizardSavedMsg
	pending     tea.Cmd // the form's answer to a SetSize
	closing     bool
	brokenError error
}

var _ Component = (*Wizard)(nil)

// NewWizard builds the wizard on env. Call Init, then SetSize.
func NewWizard(env Env, opts WizardOptions) *Wizard {
	if env.Clock == nil {
		env.Clock = time.Now
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	st := env.Styles.Wizard
	if st.Form == nil {
		st.Form = huh.ThemeBase()
	}
	if st.FormMaxWidth <= 0 {
		st.FormMaxWidth = 76
	}
	if st.SummaryMinSpare <= 0 {
		st.SummaryMinSpare = 8
	}
	now := env.Clock()
	v := NewAddValues()
	return &Wizard{
		env: env, opts: opts, keys: env.Keys.Wizard, st: st,
		v: v, flow: NewAddFlow(v, authstore.Snapshot{}, now), choice: new(int),
		screen: screenLoading, now: now,
	}
}

// Values are the answers so far (for tests and callers that continue).
func (w *Wizard) Values() *AddValues { return w.v }

// Saved names the profile (or .env variable) written, "" before that.
func (w *Wizard) Saved() string {
	if w.saved == nil || w.saved.err != nil {
		return ""
	}
	return w.saved.id
}

// Init reads the store (a corrupt one stops the wizard before it asks
// anything) and then shows step 1.
func (w *Wizard) Init() tea.Cmd {
	paths, getenv := w.env.Paths, w.env.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" } // Env: nil is an empty environment
	}
	return func() tea.Msg {
		snap, err := authstore.LoadWithEnv(paths, getenv)
		return wizardLoadedMsg{snap: snap, err: err}
	}
}

// wizardLoadedMsg is the store as the wizard starts.
type wizardLoadedMsg struct {
	snap authstore.Snapshot
	err  error
}

// wizardCheckedMsg is a fresh read of the store after a step that needs
// one (the name: the id may exist), for the id then chosen.
type wizardCheckedMsg struct {
	id   string
	snap authstore.Snapshot
	err  error
}

// SetSize tells the wizard its area and resizes the current form. (What
// the form asks for then goes out with the next Update's command.)
func (w *Wizard) SetSize(width, height int) {
	w.w, w.h = width, height
	w.pending = tea.Batch(w.pending, w.resizeForm())
}

// Busy reports whether the wizard waits for a command of its own (reading
// or writing the store, looking for claude); `claude setup-token` running
// does not count.
func (w *Wizard) Busy() bool { return w.screen.transient() && w.screen != screenRunning }

// CapturesInput is true while a form takes keys, so q and ? reach it.
func (w *Wizard) CapturesInput() bool { return w.host != nil }

// ShortHelp is the current form's keys, then back and quit.
func (w *Wizard) ShortHelp() []key.Binding {
	var b []key.Binding
	if w.host != nil {
		for _, k := range w.host.form().KeyBinds() {
			if k.Help().Desc != "back" { // huh's shift+tab: esc does that and more
				b = append(b, k)
			}
		}
	}
	switch {
	case w.screen == screenResult || w.screen == screenBroken:
		return append(b, w.keys.Done)
	case w.screen.transient():
		return append(b, w.keys.Quit)
	}
	return append(b, w.keys.Back, w.keys.Quit)
}

// FullHelp is ShortHelp in one column.
func (w *Wizard) FullHelp() [][]key.Binding { return [][]key.Binding{w.ShortHelp()} }

// Update: esc (back) before the form, ctrl+c closes; results of commands
// move between steps; everything else goes to the form.
func (w *Wizard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := w.update(msg)
	if w.pending != nil {
		cmd, w.pending = tea.Batch(w.pending, cmd), nil
	}
	return m, cmd
}

func (w *Wizard) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		w.SetSize(msg.Width, msg.Height)
		return w, nil
	case TickMsg:
		w.now = msg.Time
		return w, nil
	case FilesChangedMsg:
		return w, nil
	case wizardLoadedMsg:
		if msg.err != nil {
			w.brokenError = msg.err
			w.setScreen(screenBroken)
			return w, nil
		}
		w.flow.SetStore(msg.snap, w.now)
		return w, w.showForm()
	case wizardCheckedMsg:
		return w, w.checked(msg)
	case claudeFoundMsg:
		return w, w.claudeFound(msg)
	case LoginFinishedMsg:
		return w, w.loginFinished(msg)
	case wizardSavedMsg:
		w.saved = &msg
		w.setScreen(screenResult)
		return w, nil
	case tea.KeyMsg:
		if w.closing {
			return w, nil
		}
		if key.Matches(msg, w.keys.Quit) {
			return w, w.close("")
		}
		switch {
		case w.screen == screenResult && w.saved.err != nil:
			if key.Matches(msg, w.keys.Back) {
				return w, w.back()
			}
			if key.Matches(msg, w.keys.Done) {
				return w, w.save() // try again
			}
			return w, nil
		case w.screen == screenResult || w.screen == screenBroken:
			if key.Matches(msg, w.keys.Done) || key.Matches(msg, w.keys.Back) {
				return w, w.close(w.Saved())
			}
			return w, nil
		case w.screen.transient():
			return w, nil // the terminal is elsewhere, or a command is on its way
		}
	}
	if w.host == nil {
		return w, nil
	}
	cmd, out := w.host.update(msg)
	switch out {
	case formAborted:
		return w, w.close("")
	case formBack:
		if s, ok := loginScreens[w.screen]; ok && s.back != 0 {
			return w, tea.Batch(cmd, w.showLogin(s.back))
		}
		return w, tea.Batch(cmd, w.back())
	case formCompleted:
		if s, ok := loginScreens[w.screen]; ok {
			return w, tea.Batch(cmd, s.options[*w.choice].do(w))
		}
		if w.flow.Step().Lookup {
			return w, tea.Batch(cmd, w.check())
		}
		return w, tea.Batch(cmd, w.forward())
	case formBusy:
	}
	return w, cmd
}

// close leaves the wizard; saved is what was written ("" for nothing).
func (w *Wizard) close(saved string) tea.Cmd {
	w.closing = true
	w.v.Secret = "" // drop our reference to the token
	return emit(WizardClosedMsg{Saved: saved})
}

// setScreen switches to a screen without a form.
func (w *Wizard) setScreen(s wizardScreen) {
	w.screen = s
	w.host = nil
}

// showForm shows the current step's form.
func (w *Wizard) showForm() tea.Cmd {
	w.screen = screenForm
	return w.startForm(w.flow.Form(w.keyName(w.keys.Quit)))
}

// startForm hosts sf and starts it.
func (w *Wizard) startForm(sf StepForm) tea.Cmd {
	w.host = nil
	if sf.Form == nil {
		return nil
	}
	h, cmd := newFormHost(sf, w.keys, w.st.Form, false)
	w.host = h
	return tea.Sequence(cmd, w.resizeForm())
}

// keyName is how the screen names a binding's key: its help text, so a
// rebound key is named as it is bound.
func (w *Wizard) keyName(b key.Binding) string { return b.Help().Key }

// forward moves the flow past the current step and shows the next.
func (w *Wizard) forward() tea.Cmd {
	fwd, err := w.flow.Next()
	if err != nil {
		w.stepErr = err
		return w.showForm()
	}
	w.stepErr = nil
	return w.enter(fwd)
}

// back goes to the step before; on the first it closes the wizard.
func (w *Wizard) back() tea.Cmd {
	w.stepErr = nil
	if !w.flow.Back() {
		return w.close("")
	}
	return w.enter(false)
}

// enter shows the flow's current step: the wizard does the sign-in and the
// save itself; other steps are their forms. Coming back (forward false) to
// the sign-in shows the screen the user went on from.
func (w *Wizard) enter(forward bool) tea.Cmd {
	switch w.flow.Step().ID {
	case StepLogin:
		if forward || w.login.left == 0 {
			return w.findClaude()
		}
		return w.showLogin(w.login.left)
	case StepSave:
		return w.save()
	}
	return w.showForm()
}

// check reads the store afresh after a step whose answers it decides on.
func (w *Wizard) check() tea.Cmd {
	w.setScreen(screenChecking)
	paths, id := w.env.Paths, w.v.ProfileID()
	return func() tea.Msg {
		snap, err := authstore.Load(paths)
		return wizardCheckedMsg{id: id, snap: snap, err: err}
	}
}

func (w *Wizard) checked(msg wizardCheckedMsg) tea.Cmd {
	if w.screen != screenChecking || msg.id != w.v.ProfileID() {
		return nil
	}
	if msg.err != nil {
		w.stepErr = msg.err
		return w.showForm() // says why above the form
	}
	w.flow.SetStore(msg.snap, w.now)
	return w.forward()
}

// save writes the answers in a command: one store transaction, then the
// config's auth.profiles (or the .env line).
func (w *Wizard) save() tea.Cmd {
	w.setScreen(screenSaving)
	plan, err := w.flow.Plan(w.now)
	if err != nil {
		return emit(wizardSavedMsg{err: err})
	}
	job := saveJob{ctx: w.opts.Context, paths: w.env.Paths, home: w.env.Home, clock: w.env.Clock, plan: plan}
	return job.run
}

// saveJob is a copy of what a save needs, so the command touches no model.
type saveJob struct {
	ctx   context.Context
	paths authstore.Paths
	home  string
	clock func() time.Time
	plan  AddPlan
}

// wizardSavedMsg says what was written, in secret-free lines.
type wizardSavedMsg struct {
	id      string
	title   string
	details []string
	notes   []string // warnings: config not updated, order left out
	next    []string // commands to try
	err     error
}

func (j saveJob) run() tea.Msg {
	c := j.plan.Credential
	written, err := j.plan.Write(j.ctx, j.paths)
	if j.plan.EnvVar != "" {
		if err != nil {
			return wizardSavedMsg{err: fmt.Errorf("save %s in %s: %w", j.plan.EnvVar, DisplayPath(j.paths.Env, j.home), err)}
		}
		return wizardSavedMsg{
			id:    j.plan.EnvVar,
			title: "Saved " + j.plan.EnvVar + " in " + DisplayPath(j.paths.Env, j.home),
			details: []string{
				"key " + authstore.Mask(c.Secret),
				"Restart the gateway daemon so that it reads it.",
			},
			next: []string{"moltbot models status"},
		}
	}
	if err != nil {
		var le *authstore.LockedError
		if errors.As(err, &le) {
			err = fmt.Errorf("%w; nothing was changed", err)
		}
		return wizardSavedMsg{err: err}
	}
	now := j.clock()
	res := written.Saved
	verb := "Saved "
	if res.Replaced {
		verb = "Replaced "
	}
	m := wizardSavedMsg{id: c.ID, title: verb + c.ID}
	m.details = append(m.details, describeExisting(res.Profile, now), "in "+DisplayPath(j.paths.CredentialsFile(), j.home))
	if res.Placed {
		m.details = append(m.details, "order override for "+c.Provider+": "+strings.Join(res.Override, ", "))
	}
	var nw *authstore.ConfigNotWritableError
	switch cfgErr := written.ConfigErr; {
	case cfgErr == nil:
		m.details = append(m.details, "config auth.profiles lists "+c.ID+" (mode "+c.Type+")")
	case errors.As(cfgErr, &nw):
		m.notes = append(m.notes, cfgErr.Error())
	default:
		m.notes = append(m.notes, "the config could not be updated: "+cfgErr.Error())
	}
	if final, err := authstore.Load(j.paths); err == nil {
		eo := final.EffectiveOrder(c.Provider, now)
		m.details = append(m.details, fmt.Sprintf("the gateway tries %s profiles in this order (%s): %s", c.Provider, eo.Source, strings.Join(eo.IDs, ", ")))
		if eo.Source != authstore.SourceAutomatic && !slices.Contains(eo.IDs, c.ID) {
			m.notes = append(m.notes, fmt.Sprintf("the %s order does not list %s, so the gateway will not use it yet", c.Provider, c.ID))
		}
	}
	m.next = []string{"moltbot models status", "moltbot models auth order get --provider " + c.Provider}
	return m
}
