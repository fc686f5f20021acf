package views

import (
	"context"
	"errors"
	"io"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/moltbot/moltbot/authstore"
)

// The forms of the add steps (the Form column of AddSteps), and the one
// host that runs a step's form: inside the wizard's screen, or on its own
// for `models auth add` (RunAddStep).

// StepForm is one step's huh form. Live, when set, is the input whose
// description follows its value: Describe gives it after each key. (huh's
// DescriptionFunc would read the bound value from a command's goroutine
// while the field writes it: a data race in a long-running program.)
type StepForm struct {
	Form     *huh.Form
	Live     *huh.Input
	Describe func() string
}

func methodForm(v *AddValues, _ AddContext) StepForm {
	opts := make([]huh.Option[AddMethod], len(AddChoices))
	for i, c := range AddChoices {
		opts[i] = huh.NewOption(c.Label, c.Method)
	}
	return StepForm{Form: huh.NewForm(
		huh.NewGroup(
			huh.NewSelect[AddMethod]().
				Title("What do you want to add?").
				Options(opts...).
				Value(&v.Method),
		),
		huh.NewGroup(
			huh.NewInput().
				Title("Provider id").
				Description("As the gateway names it, e.g. groq, mistral, zai.").
				Value(&v.OtherProvider).
				Validate(ValidateProviderID),
		).WithHideFunc(func() bool { return v.Method != AddOtherToken }),
	)}
}

func destinationForm(v *AddValues, _ AddContext) StepForm {
	return StepForm{Form: huh.NewForm(huh.NewGroup(
		huh.NewSelect[string]().
			Title("Where should the key go?").
			Description(".env suits a daemon that reads environment variables.").
			Options(
				huh.NewOption("The auth store (recommended)", DestStore),
				huh.NewOption(".env, as "+v.EnvVar(), DestEnv),
			).
			Value(&v.Destination),
	))}
}

func nameForm(v *AddValues, _ AddContext) StepForm {
	describe := func() string {
		if ValidateProfileName(v.Name) != nil {
			return "Lower-case letters, digits, '.', '_' or '-'."
		}
		return "Saved as " + v.ProfileID()
	}
	in := huh.NewInput().
		Title("Profile name").
		Description(describe()).
		Value(&v.Name).
		Validate(ValidateProfileName)
	return StepForm{Form: huh.NewForm(huh.NewGroup(in)), Live: in, Describe: describe}
}

// replaceForm asks before replacing an existing profile, with the safe
// answer selected: choosing another name rewinds to the name step.
func replaceForm(v *AddValues, c AddContext) StepForm {
	v.Replace = false
	return StepForm{Form: huh.NewForm(huh.NewGroup(
		huh.NewSelect[string]().
			Title(v.ProfileID()+" already exists").
			Description(c.Lookup.Existing).
			Options(huh.NewOption("Replace it", choiceReplace), huh.NewOption("Choose another name", choiceRename)).
			Accessor(replaceAnswer{v}),
	))}
}

// The replace question's answers.
const (
	choiceReplace = "replace"
	choiceRename  = "rename"
)

// replaceAnswer is AddValues.Replace as the replace question's answer (a
// huh select of bool values loses its first option).
type replaceAnswer struct{ v *AddValues }

func (a replaceAnswer) Get() string {
	if a.v.Replace {
		return choiceReplace
	}
	return choiceRename
}

func (a replaceAnswer) Set(s string) { a.v.Replace = s == choiceReplace }

// secretForm is the secret at a hidden input (refused inline when it
// cannot be the chosen kind; an unusual one gets a warning as its
// description) and, for another provider's token, its expiry.
func secretForm(v *AddValues, c AddContext) StepForm {
	ch := v.Choice()
	title := "Paste the " + ch.KeyName
	if v.Method == AddOtherToken {
		title = "Paste the " + v.Provider() + " token"
	}
	hint := "Input is hidden; line breaks from the terminal are fine."
	if ch.Type == authstore.TypeAPIKey {
		hint = "Input is hidden."
	}
	describe := func() string {
		if warn := KeyWarning(v.Method, v.Secret); warn != "" {
			return warn
		}
		return hint
	}
	in := huh.NewInput().
		Title(title).
		Description(describe()).
		EchoMode(huh.EchoModePassword).
		Value(&v.Secret).
		Validate(func(string) error {
			_, err := v.CleanSecret()
			if errors.Is(err, authstore.ErrEmptyToken) {
				msg := "paste the " + ch.KeyName
				if c.QuitKey != "" {
					msg += " (" + c.QuitKey + " leaves without saving)"
				}
				return errors.New(msg)
			}
			return err
		})
	return StepForm{Form: huh.NewForm(
		huh.NewGroup(in),
		huh.NewGroup(
			huh.NewInput().
				Title("Expires in").
				Description("Leave empty if it does not expire; else e.g. 30d, 12h, 90m.").
				Value(&v.ExpiresIn).
				Validate(validateExpiresIn),
		).WithHideFunc(func() bool { return v.Method != AddOtherToken }),
	), Live: in, Describe: describe}
}

func placementForm(v *AddValues, c AddContext) StepForm {
	return StepForm{Form: AddPlacementForm(v, c.Lookup.Others)}
}

// AddPlacementForm asks where the new profile goes in its provider's
// order; others names the provider's profiles already there (shown capped
// and made safe).
func AddPlacementForm(v *AddValues, others []string) *huh.Form {
	desc := ""
	if len(others) > 0 {
		desc = v.Provider() + " already has " + authstore.ListIDs(others, 0) + "."
	}
	return huh.NewForm(huh.NewGroup(
		huh.NewSelect[authstore.Placement]().
			Title("Where in the order should the gateway try "+v.ProfileID()+"?").
			Description(desc).
			Options(
				huh.NewOption("First, before the others", authstore.PlaceFirst),
				huh.NewOption("Last, after the others", authstore.PlaceLast),
			).
			Value(&v.Placement),
	))
}

// addFormKeys are huh's keys for the add forms: quitting with keys.Quit,
// and without the select filter (its "/" and esc would fight with Back).
func addFormKeys(keys WizardKeys) *huh.KeyMap {
	k := huh.NewDefaultKeyMap()
	for _, b := range []*key.Binding{&k.Select.Filter, &k.Select.SetFilter, &k.Select.ClearFilter,
		&k.MultiSelect.Filter, &k.MultiSelect.SetFilter, &k.MultiSelect.ClearFilter} {
		b.Unbind()
	}
	if len(keys.Quit.Keys()) > 0 {
		k.Quit = keys.Quit
	}
	return k
}

// formOutcome is what a key did to a hosted form.
type formOutcome int

const (
	formBusy      formOutcome = iota // still asking
	formCompleted                    // every question answered
	formAborted                      // the quit key
	formBack                         // the back key on the first question
)

// formHost runs one StepForm: the back key goes to the form's previous
// question, or out of the step on its first; after each key the live
// description is refreshed; completion and abort are reported once.
type formHost struct {
	sf    StepForm
	back  key.Binding
	first huh.Field
	done  bool
}

// newFormHost themes sf and starts it (with huh's help line under it when
// showHelp: the wizard has its own); the command is the form's Init.
func newFormHost(sf StepForm, keys WizardKeys, theme *huh.Theme, showHelp bool) (*formHost, tea.Cmd) {
	f := sf.Form.WithKeyMap(addFormKeys(keys)).WithShowHelp(showHelp)
	if theme != nil {
		f = f.WithTheme(theme)
	}
	h := &formHost{sf: sf, back: keys.Back}
	h.sf.Form = f
	cmd := f.Init()
	h.first = f.GetFocusedField()
	return h, cmd
}

// form is the hosted form.
func (h *formHost) form() *huh.Form { return h.sf.Form }

// update gives msg to the form (the back key first to the host).
func (h *formHost) update(msg tea.Msg) (tea.Cmd, formOutcome) {
	if h.done {
		return nil, formBusy
	}
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, h.back) {
		if h.sf.Form.GetFocusedField() != h.first {
			return h.sf.Form.PrevGroup(), formBusy // an earlier question of this step
		}
		return nil, formBack
	}
	next, cmd := h.sf.Form.Update(msg)
	if f, ok := next.(*huh.Form); ok {
		h.sf.Form = f
	}
	if _, ok := msg.(tea.KeyMsg); ok && h.sf.Form.State == huh.StateNormal {
		h.refresh()
	}
	switch h.sf.Form.State {
	case huh.StateAborted:
		h.done = true
		return cmd, formAborted
	case huh.StateCompleted:
		h.done = true
		return cmd, formCompleted
	}
	return cmd, formBusy
}

// refreshMsg makes a form redraw after its description changed.
type refreshMsg struct{}

func (h *formHost) refresh() {
	if h.sf.Live == nil || h.sf.Describe == nil {
		return
	}
	h.sf.Live.Description(h.sf.Describe())
	next, _ := h.sf.Form.Update(refreshMsg{})
	if f, ok := next.(*huh.Form); ok {
		h.sf.Form = f
	}
}

// ErrAddBack is what RunAddStep returns when the user pressed the back
// key on a step's first question: the caller goes to the step before.
var ErrAddBack = errors.New("back to the previous step")

// RunAddStep runs one step's form on a terminal (in, out), as `models auth
// add` does: nil once it is answered, ErrAddBack for the back key,
// huh.ErrUserAborted for the quit key (or ctx ending). theme nil is huh's.
func RunAddStep(ctx context.Context, sf StepForm, keys WizardKeys, theme *huh.Theme, in io.Reader, out io.Writer) error {
	h, init := newFormHost(sf, keys, theme, true)
	m := &addStepProgram{h: h, init: init}
	_, err := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)).Run()
	switch {
	case m.outcome == formCompleted:
		return nil
	case m.outcome == formBack:
		return ErrAddBack
	case m.outcome == formAborted, err == nil, errors.Is(err, tea.ErrProgramKilled), errors.Is(err, tea.ErrInterrupted):
		return huh.ErrUserAborted
	}
	return err
}

// addStepProgram is the program RunAddStep runs: the form, until it is
// done one way or another (then it clears its lines, as huh does).
type addStepProgram struct {
	h       *formHost
	init    tea.Cmd
	outcome formOutcome
}

func (m *addStepProgram) Init() tea.Cmd { return m.init }

func (m *addStepProgram) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd, out := m.h.update(msg)
	if out != formBusy {
		m.outcome = out
		return m, tea.Quit
	}
	return m, cmd
}

func (m *addStepProgram) View() string {
	if m.outcome != formBusy {
		return ""
	}
	return m.h.form().View()
}
