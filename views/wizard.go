package views

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
	"github.com/moltbot/moltbot/ptyrun"
)

// The onboarding wizard (SPEC §7): the add steps of addsteps.go as huh
// forms inside the bubbletea program, plus the `claude setup-token`
// handover. Each step owns one form; esc goes back a step (the form never
// sees it), ctrl+c closes the wizard with nothing written. The answers live
// in heap structs (*AddValues, *wizardAnswers) that outlive the forms; the
// captured token lives only there, in memory, and is shown only masked.

// WizardKeys are the wizard's own bindings; inside a step, the form keeps
// huh's (enter, arrows, tab).
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

// wizardStep is one screen of the wizard.
type wizardStep int

const (
	stepLoading       wizardStep = iota // reading the store (transient)
	stepMethod                          // 1: provider & method
	stepName                            // 2: profile name
	stepChecking                        // looking the id up (transient)
	stepReplace                         // 2: the id exists: replace?
	stepClaudeMissing                   // 3a: no `claude` on PATH
	stepLoginIntro                      // 3a: about to hand the terminal over
	stepRunning                         // 3a: `claude setup-token` has the terminal (transient)
	stepCaptured                        // 3a: token captured, shown masked
	stepNoToken                         // 3a: nothing captured: try again · paste · back
	stepSecret                          // 3b (or a pasted token): hidden input, destination
	stepPlacement                       // 4: first or last
	stepSaving                          // 5: writing (transient)
	stepResult                          // 5: what was written, what to try next
	stepBroken                          // the store cannot be read: say so, nothing else
)

// What the choice screens offer.
const (
	choiceStart   = "start"
	choicePaste   = "paste"
	choiceAgain   = "again"
	choiceBack    = "back"
	choiceUse     = "use"
	choiceLook    = "look"
	choiceReplace = "replace"
	choiceRename  = "rename"
)

// wizardAnswers holds the wizard's own form values (the AddValues hold the
// rest). It lives on the heap so forms can bind to it.
type wizardAnswers struct {
	choice string
}

// Wizard is the onboarding screen: `moltbot onboard`, and `a` on the
// dashboard.
type Wizard struct {
	env  Env
	opts WizardOptions
	keys WizardKeys
	st   WizardStyles

	v   *AddValues
	ans *wizardAnswers

	step     wizardStep
	form     *huh.Form
	stepDone bool
	// live is the input whose description follows its value (describe).
	live     *huh.Input
	describe func() string
	// firstField is the form's first question: esc there leaves the step,
	// esc on a later one goes back within the form.
	firstField huh.Field
	w, h       int
	now        time.Time

	// what the last look at the store said
	existing    string   // secret-free description of the profile being replaced
	others      []string // the provider's other profiles (for placement)
	checkErr    error    // the store could not be read when checking the name
	claudePath  string
	attempt     int   // login runs so far; a LoginFinishedMsg names its attempt
	loginErr    error // why the last run captured no token
	loginRes    ptyrun.Result
	capturedAt  time.Time // when the token was captured (its year starts then)
	pasted      bool      // the secret was typed/pasted, not captured
	secretBack  wizardStep
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
	return &Wizard{
		env: env, opts: opts, keys: env.Keys.Wizard, st: st,
		v: NewAddValues(), ans: &wizardAnswers{},
		step: stepLoading, now: env.Clock(), secretBack: stepName,
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
		_, err := authstore.LoadWithEnv(paths, getenv)
		return wizardLoadedMsg{err: err}
	}
}

// wizardLoadedMsg says whether the store could be read at the start.
type wizardLoadedMsg struct{ err error }

// wizardCheckedMsg is what the store says about the id the user chose.
type wizardCheckedMsg struct {
	id       string
	exists   bool
	existing string
	others   []string
	err      error
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

// SetSize tells the wizard its area and resizes the current form. (What
// the form asks for then goes out with the next Update's command.)
func (w *Wizard) SetSize(width, height int) {
	w.w, w.h = width, height
	w.pending = tea.Batch(w.pending, w.resizeForm())
}

// Busy reports whether the wizard waits for a command of its own (reading
// or writing the store, looking for claude); `claude setup-token` running
// does not count.
func (w *Wizard) Busy() bool {
	switch w.step {
	case stepLoading, stepChecking, stepSaving:
		return true
	}
	return false
}

// CapturesInput is true while a form takes keys, so q and ? reach it.
func (w *Wizard) CapturesInput() bool {
	switch w.step {
	case stepResult, stepBroken, stepLoading, stepChecking, stepSaving, stepRunning:
		return false
	}
	return true
}

// ShortHelp is the current form's keys, then back and quit.
func (w *Wizard) ShortHelp() []key.Binding {
	var b []key.Binding
	if w.form != nil && w.formStep() {
		for _, k := range w.form.KeyBinds() {
			if k.Help().Desc != "back" { // huh's shift+tab: esc does that and more
				b = append(b, k)
			}
		}
	}
	switch w.step {
	case stepResult, stepBroken:
		return append(b, w.keys.Done)
	case stepRunning, stepSaving, stepChecking, stepLoading:
		return append(b, w.keys.Quit)
	}
	return append(b, w.keys.Back, w.keys.Quit)
}

// FullHelp is ShortHelp in one column.
func (w *Wizard) FullHelp() [][]key.Binding { return [][]key.Binding{w.ShortHelp()} }

// formStep reports whether the current step shows a form.
func (w *Wizard) formStep() bool {
	switch w.step {
	case stepMethod, stepName, stepReplace, stepClaudeMissing, stepLoginIntro,
		stepCaptured, stepNoToken, stepSecret, stepPlacement:
		return true
	}
	return false
}

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
			w.setStep(stepBroken)
			return w, nil
		}
		return w, w.show(stepMethod)
	case wizardCheckedMsg:
		return w, w.checked(msg)
	case claudeFoundMsg:
		return w, w.claudeFound(msg)
	case LoginFinishedMsg:
		return w, w.loginFinished(msg)
	case wizardSavedMsg:
		w.saved = &msg
		w.setStep(stepResult)
		return w, nil
	case tea.KeyMsg:
		if w.closing {
			return w, nil
		}
		if key.Matches(msg, w.keys.Quit) {
			return w, w.close("")
		}
		switch w.step {
		case stepResult:
			if w.saved != nil && w.saved.err != nil {
				if key.Matches(msg, w.keys.Back) {
					return w, w.back()
				}
				if key.Matches(msg, w.keys.Done) {
					return w, w.save() // try again
				}
				return w, nil
			}
			if key.Matches(msg, w.keys.Done) || key.Matches(msg, w.keys.Back) {
				return w, w.close(w.saved.id)
			}
			return w, nil
		case stepBroken:
			if key.Matches(msg, w.keys.Done) || key.Matches(msg, w.keys.Back) {
				return w, w.close("")
			}
			return w, nil
		case stepRunning, stepSaving, stepChecking, stepLoading:
			return w, nil // the terminal is elsewhere, or a command is on its way
		}
		if key.Matches(msg, w.keys.Back) {
			if w.form != nil && w.form.GetFocusedField() != w.firstField {
				return w, w.form.PrevGroup() // an earlier question of this step
			}
			return w, w.back()
		}
	}
	if w.form == nil || !w.formStep() {
		return w, nil
	}
	next, cmd := w.form.Update(msg)
	if f, ok := next.(*huh.Form); ok {
		w.form = f
	}
	if _, ok := msg.(tea.KeyMsg); ok && w.form.State == huh.StateNormal {
		w.refreshDescription()
	}
	switch {
	case w.form.State == huh.StateAborted:
		return w, w.close("")
	case w.form.State == huh.StateCompleted && !w.stepDone:
		w.stepDone = true
		return w, tea.Batch(cmd, w.next())
	}
	return w, cmd
}

// close leaves the wizard; saved is what was written ("" for nothing).
func (w *Wizard) close(saved string) tea.Cmd {
	w.closing = true
	w.v.Secret = "" // drop our reference to the token
	return emit(WizardClosedMsg{Saved: saved})
}

// setStep switches to a screen without a form.
func (w *Wizard) setStep(s wizardStep) {
	w.step = s
	w.form = nil
	w.stepDone = false
}

// show switches to a step with a form, and starts it.
func (w *Wizard) show(s wizardStep) tea.Cmd {
	w.step = s
	w.stepDone = false
	w.form = w.buildForm(s)
	if w.form == nil {
		return nil
	}
	w.form.WithTheme(w.st.Form).WithKeyMap(wizardFormKeys()).WithShowHelp(false)
	cmd := w.form.Init()
	w.firstField = w.form.GetFocusedField()
	return tea.Sequence(cmd, w.resizeForm())
}

// wizardFormKeys are huh's keys without the select filter (its "/" and esc
// would fight with the wizard's esc), quitting with ctrl+c only.
func wizardFormKeys() *huh.KeyMap {
	k := huh.NewDefaultKeyMap()
	for _, b := range []*key.Binding{&k.Select.Filter, &k.Select.SetFilter, &k.Select.ClearFilter,
		&k.MultiSelect.Filter, &k.MultiSelect.SetFilter, &k.MultiSelect.ClearFilter} {
		b.Unbind()
	}
	return k
}

// next moves on from a completed form.
func (w *Wizard) next() tea.Cmd {
	switch w.step {
	case stepMethod:
		return w.show(stepName)
	case stepName:
		return w.check()
	case stepReplace:
		if w.ans.choice == choiceReplace {
			w.v.Replace = true
			return w.afterName()
		}
		return w.show(stepName)
	case stepClaudeMissing:
		switch w.ans.choice {
		case choicePaste:
			return w.paste(stepClaudeMissing)
		case choiceLook:
			return w.afterName()
		}
		return w.show(stepName)
	case stepLoginIntro:
		if w.ans.choice == choicePaste {
			return w.paste(stepLoginIntro)
		}
		return w.login()
	case stepCaptured:
		switch w.ans.choice {
		case choiceUse:
			w.pasted = false
			return w.afterSecret()
		case choiceAgain:
			return w.login()
		case choicePaste:
			return w.paste(stepCaptured)
		}
		return w.show(stepLoginIntro)
	case stepNoToken:
		switch w.ans.choice {
		case choiceAgain:
			return w.login()
		case choicePaste:
			return w.paste(stepNoToken)
		}
		return w.show(stepLoginIntro)
	case stepSecret:
		w.pasted = w.v.Method == AddSetupToken
		if w.pasted {
			w.capturedAt = time.Time{}
		}
		return w.afterSecret()
	case stepPlacement:
		return w.save()
	}
	return nil
}

// back goes to the previous step; on the first it closes the wizard.
func (w *Wizard) back() tea.Cmd {
	switch w.step {
	case stepMethod:
		return w.close("")
	case stepName:
		return w.show(stepMethod)
	case stepReplace, stepClaudeMissing, stepLoginIntro:
		return w.show(stepName)
	case stepCaptured, stepNoToken:
		return w.show(stepLoginIntro)
	case stepSecret:
		return w.show(w.secretBack)
	case stepPlacement:
		return w.show(w.beforePlacement())
	case stepResult: // a failed save
		if w.needsPlacement() {
			return w.show(stepPlacement)
		}
		return w.show(w.beforePlacement())
	}
	return nil
}

// beforePlacement is the step that gave the secret.
func (w *Wizard) beforePlacement() wizardStep {
	if w.v.Method == AddSetupToken && !w.pasted {
		return stepCaptured
	}
	return stepSecret
}

// check looks the chosen id up in a fresh read of the store.
func (w *Wizard) check() tea.Cmd {
	w.setStep(stepChecking)
	paths, id, provider, now := w.env.Paths, w.v.ProfileID(), w.v.Provider(), w.now
	return func() tea.Msg {
		snap, err := authstore.Load(paths)
		if err != nil {
			return wizardCheckedMsg{id: id, err: err}
		}
		msg := wizardCheckedMsg{id: id}
		if p, ok := snap.Store.Profile(id); ok {
			msg.exists, msg.existing = true, describeExisting(p, now)
		}
		for _, p := range snap.Store.Profiles {
			if authstore.NormalizeProvider(p.Provider) == provider && p.ID != id {
				msg.others = append(msg.others, p.ID)
			}
		}
		return msg
	}
}

func (w *Wizard) checked(msg wizardCheckedMsg) tea.Cmd {
	if w.step != stepChecking || msg.id != w.v.ProfileID() {
		return nil
	}
	w.checkErr = msg.err
	if msg.err != nil {
		return w.show(stepName) // says why above the form
	}
	w.others = msg.others
	w.existing = msg.existing
	w.v.Replace = false
	if msg.exists {
		w.ans.choice = choiceRename
		return w.show(stepReplace)
	}
	return w.afterName()
}

// afterName is step 3: the login for a subscription, else the secret.
func (w *Wizard) afterName() tea.Cmd {
	if w.v.Method != AddSetupToken {
		w.secretBack = stepName
		return w.show(stepSecret)
	}
	w.setStep(stepChecking)
	lookPath := w.opts.LookPath
	return func() tea.Msg {
		p, err := FindClaude(lookPath)
		return claudeFoundMsg{path: p, err: err}
	}
}

// claudeFoundMsg says where `claude` is, or that it is missing.
type claudeFoundMsg struct {
	path string
	err  error
}

func (w *Wizard) claudeFound(msg claudeFoundMsg) tea.Cmd {
	if w.step != stepChecking {
		return nil
	}
	if msg.err != nil {
		w.ans.choice = choicePaste
		return w.show(stepClaudeMissing)
	}
	w.claudePath = msg.path
	w.ans.choice = choiceStart
	return w.show(stepLoginIntro)
}

// paste asks for the token at a hidden input; esc returns to from.
func (w *Wizard) paste(from wizardStep) tea.Cmd {
	w.secretBack = from
	w.v.Secret = ""
	return w.show(stepSecret)
}

// login hands the terminal to `claude setup-token`.
func (w *Wizard) login() tea.Cmd {
	w.attempt++
	w.setStep(stepRunning)
	w.v.Secret = ""
	login := w.opts.Login
	if login == nil {
		login = SetupTokenLogin
	}
	return login(w.opts.Context, w.claudePath, LoginOptions{
		ID:      "wizard-" + strconv.Itoa(w.attempt),
		Env:     w.opts.LoginEnv,
		Timeout: w.opts.LoginTimeout,
		Clock:   w.env.Clock,
	})
}

func (w *Wizard) loginFinished(msg LoginFinishedMsg) tea.Cmd {
	if w.step != stepRunning || msg.ID != "wizard-"+strconv.Itoa(w.attempt) {
		return nil
	}
	w.loginRes = msg.Result
	if msg.Err == nil && msg.Token != "" {
		tok, err := authstore.NormalizeToken("anthropic", msg.Token)
		if err == nil {
			w.v.Secret = tok
			w.loginErr = nil
			w.capturedAt = msg.At
			if w.capturedAt.IsZero() {
				w.capturedAt = w.now
			}
			w.ans.choice = choiceUse
			return w.show(stepCaptured)
		}
		msg.Err = err
	}
	w.loginErr = msg.Err
	if w.loginErr == nil {
		w.loginErr = errors.New(SetupTokenCommand + " returned no token")
	}
	w.ans.choice = choiceAgain
	return w.show(stepNoToken)
}

// afterSecret is step 4 when the provider has other profiles, else 5.
func (w *Wizard) afterSecret() tea.Cmd {
	if w.needsPlacement() {
		return w.show(stepPlacement)
	}
	return w.save()
}

func (w *Wizard) needsPlacement() bool { return !w.v.ToEnv() && len(w.others) > 0 }

// save writes the answers in a command: one store transaction, then the
// config's auth.profiles (or the .env line).
func (w *Wizard) save() tea.Cmd {
	w.setStep(stepSaving)
	now := w.now
	issued := now
	if w.v.Method == AddSetupToken && !w.pasted && !w.capturedAt.IsZero() {
		issued = w.capturedAt
	}
	cred, err := w.v.Credential(issued)
	if err != nil {
		m := wizardSavedMsg{err: err}
		return emit(m)
	}
	job := saveJob{
		ctx: w.opts.Context, paths: w.env.Paths, home: w.env.Home, clock: w.env.Clock, cred: cred,
		toEnv: w.v.ToEnv(), envVar: w.v.EnvVar(), place: w.needsPlacement(), where: w.v.Placement,
	}
	return job.run
}

// saveJob is a copy of what a save needs, so the command touches no model.
type saveJob struct {
	ctx    context.Context
	paths  authstore.Paths
	home   string
	clock  func() time.Time
	cred   authstore.Credential
	toEnv  bool
	envVar string
	place  bool
	where  authstore.Placement
}

func (j saveJob) run() tea.Msg {
	c := j.cred
	now := j.clock()
	if j.toEnv {
		if err := authstore.SetEnvVar(j.paths, j.envVar, c.Secret); err != nil {
			return wizardSavedMsg{err: fmt.Errorf("save %s in %s: %w", j.envVar, DisplayPath(j.paths.Env, j.home), err)}
		}
		return wizardSavedMsg{
			id:    j.envVar,
			title: "Saved " + j.envVar + " in " + DisplayPath(j.paths.Env, j.home),
			details: []string{
				"key " + authstore.Mask(c.Secret),
				"Restart the gateway daemon so that it reads it.",
			},
			next: []string{"moltbot models status"},
		}
	}
	var opt authstore.SaveOptions
	if j.place {
		opt.Place = &j.where
	}
	res, err := authstore.SaveCredential(j.ctx, j.paths, c, opt)
	if err != nil {
		var le *authstore.LockedError
		if errors.As(err, &le) {
			err = fmt.Errorf("%w; nothing was changed", err)
		}
		return wizardSavedMsg{err: err}
	}
	verb := "Saved "
	if res.Replaced {
		verb = "Replaced "
	}
	m := wizardSavedMsg{id: c.ID, title: verb + c.ID}
	m.details = append(m.details, describeExisting(res.Profile, now), "in "+DisplayPath(j.paths.Store, j.home))
	if res.Placed {
		m.details = append(m.details, "order override for "+c.Provider+": "+strings.Join(res.Override, ", "))
	}
	cfgErr := authstore.SetConfigProfile(j.paths, c.ID, c.Provider, c.Type)
	var nw *authstore.ConfigNotWritableError
	switch {
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

// describeExisting says what a profile holds without its secret:
// "token sk-ant-oat01…AAAA, expires in 3d".
func describeExisting(p authstore.Profile, now time.Time) string {
	s := p.Type
	if s == "" {
		s = "unknown type"
	}
	if m := authstore.Mask(p.Secret()); m != "" {
		s += " " + m
	}
	if p.Email != "" {
		s += ", " + p.Email
	}
	if p.Type == authstore.TypeToken || p.Type == authstore.TypeOAuth {
		switch at := p.ExpiresAt(); {
		case p.Expires <= 0:
			s += ", no expiry recorded"
		case at.After(now):
			s += ", expires in " + timefmt.Short(at.Sub(now).Round(time.Minute))
		default:
			s += ", expired " + timefmt.Short(now.Sub(at).Round(time.Minute)) + " ago"
		}
	}
	return authstore.SafeText(s) // type and email are file text (a form shows it raw)
}

// resizeForm gives the form the room under the wizard's own text, and
// returns what the form asks for (dynamic titles and descriptions).
func (w *Wizard) resizeForm() tea.Cmd {
	if w.form == nil || w.w <= 0 || w.h <= 0 {
		return nil
	}
	fw, fh := w.formSize()
	next, cmd := w.form.Update(tea.WindowSizeMsg{Width: fw, Height: fh})
	if f, ok := next.(*huh.Form); ok {
		w.form = f
	}
	return cmd
}

// formSize is the form's width and height: what is left under the header
// and the step's text.
func (w *Wizard) formSize() (int, int) {
	fw := min(max(w.w-4, 10), w.st.FormMaxWidth)
	used := 2 + len(w.textLines(fw)) // header + blank
	if len(w.textLines(fw)) > 0 {
		used++ // blank line between the text and the form
	}
	return fw, max(w.h-used, 3)
}

// stepInfo is the header's "step n of 5 · name".
func (w *Wizard) stepInfo() (int, string) {
	switch w.step {
	case stepMethod, stepLoading:
		return 1, "Provider & method"
	case stepName, stepChecking, stepReplace:
		return 2, "Profile name"
	case stepClaudeMissing, stepLoginIntro, stepRunning, stepCaptured, stepNoToken:
		return 3, "Sign in with Claude"
	case stepSecret:
		if w.v.Choice().Type == authstore.TypeAPIKey {
			return 3, "API key"
		}
		return 3, "Token"
	case stepPlacement:
		return 4, "Order"
	case stepSaving, stepResult:
		return 5, "Save"
	}
	return 0, ""
}

// summary echoes the answers given so far, one line each.
func (w *Wizard) summary() []string {
	var out []string
	n, _ := w.stepInfo()
	if n > 1 {
		out = append(out, w.v.Choice().Label)
	}
	if n > 2 && w.step != stepBroken {
		out = append(out, "Profile "+w.v.ProfileID())
	}
	return out
}

// textLines is the step's own text above its form, wrapped to width.
func (w *Wizard) textLines(width int) []string {
	st := w.st
	var lines []string
	// para adds s wrapped to width in style; indent is the room kept on
	// the left of every line but the first (whose own start, e.g. "✗ ",
	// takes that room).
	para := func(style lipgloss.Style, indent int, s string) {
		s = authstore.SafeText(s) // details, notes and errors quote file text
		text := strings.TrimLeft(s, " ")
		lead := len(s) - len(text)
		for i, l := range wrapWords(text, width-lead, indent-lead) {
			pad := strings.Repeat(" ", lead)
			if i > 0 {
				pad = strings.Repeat(" ", indent)
			}
			lines = append(lines, pad+style.Render(l))
		}
	}
	code := func(c string) { lines = append(lines, "    "+st.Code.Render(authstore.SafeText(c))) }
	switch w.step {
	case stepName:
		if w.checkErr != nil {
			para(st.Bad, 2, "✗ "+w.checkErr.Error())
		}
	case stepClaudeMissing:
		para(st.Bad, 2, "✗ Claude Code is not installed (`claude` is not on your PATH)")
		para(st.Text, 2, "  Install it, then choose “Look again”:")
		code(ClaudeInstallHint)
		para(st.Dim, 2, "  Or paste a token made with `claude setup-token` on another machine.")
	case stepLoginIntro:
		para(st.Text, 0, "moltbot hands this terminal to `"+SetupTokenCommand+"`:")
		para(st.Text, 5, "  1. Sign in in the browser it opens (or open the link it shows).")
		para(st.Text, 5, "  2. Paste the code you get into claude and press enter.")
		para(st.Text, 5, "  3. moltbot picks up the token by itself: nothing to copy.")
		para(st.Dim, 0, "Press "+ptyrun.EscapeKeyName+" at any time to cancel and come back here.")
	case stepRunning:
		para(st.Text, 0, "Running `"+SetupTokenCommand+"`… press "+ptyrun.EscapeKeyName+" to cancel.")
	case stepCaptured:
		para(st.OK, 2, "✓ Captured a setup token from `"+SetupTokenCommand+"`")
		lines = append(lines, "  "+st.Code.Render(authstore.SafeText(authstore.Mask(w.v.Secret)))+
			st.Dim.Render(fmt.Sprintf("  %d characters, valid for 1 year", len(w.v.Secret))))
	case stepNoToken:
		para(st.Bad, 2, "✗ No token was captured")
		para(st.Text, 2, "  "+loginWhy(w.loginErr))
		para(st.Dim, 2, "  "+loginHint(w.loginErr))
	case stepSaving:
		para(st.Text, 0, "Saving…")
	case stepResult:
		s := w.saved
		if s.err != nil {
			para(st.Bad, 2, "✗ Nothing was saved: "+s.err.Error())
			para(st.Dim, 2, "  Press enter to try again, esc to go back.")
			break
		}
		para(st.OK, 2, "✓ "+s.title)
		for _, d := range s.details {
			para(st.Text, 4, "  "+d)
		}
		for _, n := range s.notes {
			para(st.Warn, 2, "⚠ "+n)
		}
		if len(s.next) > 0 {
			lines = append(lines, "")
			para(st.Text, 0, "Next, try:")
			for _, c := range s.next {
				code(c)
			}
		}
		lines = append(lines, "")
		para(st.Dim, 0, "Press enter to finish.")
	case stepBroken:
		para(st.Bad, 2, "✗ "+w.brokenError.Error())
		para(st.Text, 2, "  Nothing can be added until the store can be read: `moltbot doctor` says what is wrong.")
		para(st.Dim, 2, "  Press enter to leave.")
	case stepLoading, stepChecking:
	}
	return lines
}

// wrapWords wraps s at spaces into lines of at most width cells; lines
// after the first get indent cells less (the caller indents them). A word
// longer than a line is cut. Unlike lipgloss it never breaks at a hyphen,
// so commands like `claude setup-token` stay whole.
func wrapWords(s string, width, indent int) []string {
	var lines []string
	line := ""
	limit := func() int {
		if len(lines) == 0 {
			return max(width, 8)
		}
		return max(width-indent, 8)
	}
	for _, word := range strings.Split(s, " ") {
		switch {
		case line == "":
			line = word
		case lipgloss.Width(line)+1+lipgloss.Width(word) <= limit():
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
		for lipgloss.Width(line) > limit() {
			head := ansi.Truncate(line, limit(), "")
			lines = append(lines, head)
			line = strings.TrimPrefix(line, head)
		}
	}
	return append(lines, line)
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

// The name and secret steps are AddNameForm and AddSecretForm (same titles,
// checks and warnings) except that their descriptions are set by the wizard
// after each key, not by huh's DescriptionFunc: that one reads the bound
// value from a command's goroutine while the form writes it, a data race
// inside a long-running program.

func (w *Wizard) nameForm() *huh.Form {
	v := w.v
	w.live = huh.NewInput().
		Title("Profile name").
		Description(nameDescription(v)).
		Value(&v.Name).
		Validate(ValidateProfileName)
	w.describe = func() string { return nameDescription(v) }
	return huh.NewForm(huh.NewGroup(w.live))
}

func nameDescription(v *AddValues) string {
	if ValidateProfileName(v.Name) != nil {
		return "Lower-case letters, digits, '.', '_' or '-'."
	}
	return "Saved as " + v.ProfileID()
}

func (w *Wizard) secretForm() *huh.Form {
	v := w.v
	c := v.Choice()
	title := "Paste the " + c.KeyName
	if v.Method == AddOtherToken {
		title = "Paste the " + v.Provider() + " token"
	}
	hint := "Input is hidden; line breaks from the terminal are fine."
	if c.Type == authstore.TypeAPIKey {
		hint = "Input is hidden."
	}
	w.describe = func() string {
		if warn := KeyWarning(v.Method, v.Secret); warn != "" {
			return warn
		}
		return hint
	}
	w.live = huh.NewInput().
		Title(title).
		Description(w.describe()).
		EchoMode(huh.EchoModePassword).
		Value(&v.Secret).
		Validate(func(string) error {
			_, err := v.CleanSecret()
			if errors.Is(err, authstore.ErrEmptyToken) {
				return errors.New("paste the " + c.KeyName + " (ctrl+c leaves without saving)")
			}
			return err
		})
	// The rest is AddSecretForm's: expiry (another provider's token) and
	// where an API key goes.
	return huh.NewForm(
		huh.NewGroup(w.live),
		huh.NewGroup(
			huh.NewInput().
				Title("Expires in").
				Description("Leave empty if it does not expire; else e.g. 30d, 12h, 90m.").
				Value(&v.ExpiresIn).
				Validate(validateExpiresIn),
		).WithHideFunc(func() bool { return v.Method != AddOtherToken }),
		huh.NewGroup(
			huh.NewSelect[string]().
				Title("Where should the key go?").
				Description(".env suits a daemon that reads environment variables.").
				Options(
					huh.NewOption("The auth store (recommended)", DestStore),
					huh.NewOption(".env, as "+v.EnvVar(), DestEnv),
				).
				Value(&v.Destination),
		).WithHideFunc(func() bool { return !v.AsksDestination() }),
	)
}

// validateExpiresIn accepts nothing (no expiry) or a duration above zero.
func validateExpiresIn(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	d, err := timefmt.Parse(s)
	if err == nil && d <= 0 {
		err = errors.New("enter a duration above zero, or leave it empty")
	}
	return err
}

// refreshMsg makes a form redraw after the wizard changed a description.
type refreshMsg struct{}

// refreshDescription sets the live input's description from its value.
func (w *Wizard) refreshDescription() {
	if w.live == nil || w.describe == nil {
		return
	}
	w.live.Description(w.describe())
	next, _ := w.form.Update(refreshMsg{})
	if f, ok := next.(*huh.Form); ok {
		w.form = f
	}
}

// buildForm makes step s's form, bound to the wizard's heap values.
func (w *Wizard) buildForm(s wizardStep) *huh.Form {
	w.live, w.describe = nil, nil
	sel := func(title string, opts ...huh.Option[string]) *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewSelect[string]().Title(title).Options(opts...).Value(&w.ans.choice),
		))
	}
	o := huh.NewOption[string]
	switch s {
	case stepMethod:
		return AddMethodForm(w.v)
	case stepName:
		return w.nameForm()
	case stepReplace:
		return huh.NewForm(huh.NewGroup(
			huh.NewSelect[string]().
				Title(w.v.ProfileID()+" already exists").
				Description(w.existing).
				Options(o("Replace it", choiceReplace), o("Choose another name", choiceRename)).
				Value(&w.ans.choice),
		))
	case stepClaudeMissing:
		return sel("What now?", o("Paste a token", choicePaste), o("Look again (after installing)", choiceLook), o("Back", choiceBack))
	case stepLoginIntro:
		return sel("Ready?", o("Start "+SetupTokenCommand, choiceStart), o("Paste a token instead", choicePaste))
	case stepCaptured:
		return sel("Save it as "+w.v.ProfileID()+"?",
			o("Yes, use this token", choiceUse), o("Run "+SetupTokenCommand+" again", choiceAgain),
			o("Paste a different token", choicePaste))
	case stepNoToken:
		return sel("What now?", o("Try again", choiceAgain), o("Paste the token", choicePaste), o("Back", choiceBack))
	case stepSecret:
		return w.secretForm()
	case stepPlacement:
		return AddPlacementForm(w.v, w.others)
	}
	return nil
}

// View draws the header, the answers so far (when there is room), the
// step's text and its form, within w × h.
func (w *Wizard) View() string {
	if w.w <= 0 || w.h <= 0 {
		return ""
	}
	st := w.st
	n, name := w.stepInfo()
	left := st.Title.Render("Add a credential")
	right := ""
	if n > 0 {
		right = st.Step.Render(fmt.Sprintf("step %d of 5 · %s", n, name))
	}
	header := " " + left
	if gap := w.w - lipgloss.Width(header) - lipgloss.Width(right) - 1; gap >= 2 {
		header += strings.Repeat(" ", gap) + right
	}
	lines := []string{header, ""}

	fw, fh := w.formSize()
	var form []string
	if w.form != nil && w.formStep() {
		form = strings.Split(strings.TrimRight(w.form.View(), "\n"), "\n")
	}
	text := w.textLines(fw)
	if sum := w.summary(); len(sum) > 0 && w.h-2-len(text)-len(form) >= len(sum)+1+1 && fh >= st.SummaryMinSpare {
		for _, s := range sum {
			lines = append(lines, "  "+st.OK.Render("✓ ")+st.Dim.Render(s))
		}
		lines = append(lines, "")
	}
	for _, l := range text {
		lines = append(lines, "  "+l)
	}
	if len(text) > 0 && len(form) > 0 {
		lines = append(lines, "")
	}
	for _, l := range form {
		lines = append(lines, "  "+l)
	}
	if len(lines) > w.h {
		lines = lines[:w.h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w.w {
			lines[i] = ansi.Truncate(l, w.w, "…")
		}
	}
	return strings.Join(lines, "\n")
}
