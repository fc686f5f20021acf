// Command moltbot manages a moltbot (clawdbot) gateway's model credentials.
package main

import (
	"os"

	"github.com/moltbot/moltbot/cmd"
)

func main() {
	os.Exit(cmd.Execute())
}
