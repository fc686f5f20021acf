package ptyrun

import (
	"bufio"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/moltbot/moltbot/internal/fakeclaude/fakeclaudetest"
)

// helperEnv selects a helper child: the test binary re-run as a small
// program with known behaviour on its pty.
const helperEnv = "PTYRUN_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helperMain(mode))
	}
	code := m.Run()
	fakeclaudetest.Cleanup()
	os.Exit(code)
}

// helperMain is the child side of the session tests. The pty is in its
// default (cooked) mode unless a mode says otherwise, so "\n" reaches the
// terminal as "\r\n" and keys arrive a line at a time.
func helperMain(mode string) int {
	arg := ""
	if i := strings.IndexByte(mode, ':'); i >= 0 {
		mode, arg = mode[:i], mode[i+1:]
	}
	switch mode {
	case "exit": // print a line, exit with the given status
		n, _ := strconv.Atoi(arg)
		fmt.Println("hello from helper")
		return n
	case "echo": // echo lines until "quit"
		fmt.Println("ready")
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			if sc.Text() == "quit" {
				return 0
			}
			fmt.Printf("got <%s>\n", sc.Text())
		}
		return 5
	case "sigint": // ctrl+c on the pty must arrive as SIGINT
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGINT)
		fmt.Println("ready")
		select {
		case <-sigs:
			fmt.Println("caught SIGINT")
			return 3
		case <-time.After(20 * time.Second):
			return 4
		}
	case "rawbytes": // raw mode: print every byte received in hex
		if t, err := unix.IoctlGetTermios(0, unix.TCGETS); err == nil {
			t.Lflag &^= unix.ICANON | unix.ECHO | unix.ISIG
			t.Iflag &^= unix.ICRNL
			_ = unix.IoctlSetTermios(0, unix.TCSETS, t)
		}
		fmt.Println("ready")
		buf := make([]byte, 64)
		for {
			n, err := os.Stdin.Read(buf)
			for _, b := range buf[:n] {
				fmt.Printf("<%02x>", b)
			}
			if err != nil {
				return 0
			}
		}
	case "stubborn": // ignores every polite signal: needs SIGKILL
		signal.Ignore(syscall.SIGINT, syscall.SIGHUP, syscall.SIGTERM)
		fmt.Println("ready")
		time.Sleep(60 * time.Second)
		return 6
	case "sleep": // dies of the first SIGHUP
		fmt.Println("ready")
		time.Sleep(60 * time.Second)
		return 7
	case "size": // print the pty size at start and on each SIGWINCH; "q" quits
		winch := make(chan os.Signal, 1)
		signal.Notify(winch, syscall.SIGWINCH)
		printSize := func() {
			ws, err := unix.IoctlGetWinsize(0, unix.TIOCGWINSZ)
			if err != nil {
				fmt.Println("size error", err)
				return
			}
			fmt.Printf("size %dx%d\n", ws.Col, ws.Row)
		}
		printSize()
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(os.Stdin)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		for {
			select {
			case <-winch:
				printSize()
			case l, ok := <-lines:
				if !ok || l == "q" {
					return 0
				}
			}
		}
	case "token": // print a token wrapped at the pty width, like claude
		cols := 80
		if ws, err := unix.IoctlGetWinsize(1, unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
			cols = int(ws.Col)
		}
		fmt.Print(strings.ReplaceAll(inkRows(arg, cols), "\r\r\n", "\n"))
		return 0
	case "grandchild": // leave a grandchild holding the pty open, then exit
		cmd := helperCmd("stubborn")
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			return 8
		}
		fmt.Printf("grandchild %d\n", cmd.Process.Pid)
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	return 99
}
