package content

// About is the course's title and the attribution its publishers ask for.
type About struct {
	Title       string   `yaml:"title"`
	Subtitle    string   `yaml:"subtitle"`
	Publishers  []string `yaml:"publishers"`
	Authors     []string `yaml:"authors"`
	Year        string   `yaml:"year"`
	Link        string   `yaml:"link"`        // may be empty
	Attribution string   `yaml:"attribution"` // the manual's own words on reuse ("mits bronvermelding")
	Credit      string   `yaml:"credit"`      // the short credit line the bot shows
}
