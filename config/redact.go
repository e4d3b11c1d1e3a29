package config

import (
	"errors"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v2"
)

// Parsers quote what they could not read, and in a configuration that may
// be a secret: yaml shows a value given where a mapping belongs (the whole
// of one of up to 10 characters, else its first 7: "basic_auth: hunter2"),
// and url.Parse shows a whole proxy_url, password included. Configuration
// errors reach the log and the answer of POST /-/reload, so those parts are
// withheld; the line, the field and the types remain.
var (
	yamlValueRE = regexp.MustCompile("(?s)(cannot unmarshal \\S+) `.*` into ")
	userinfoRE  = regexp.MustCompile(`://[^\s"']*@`)
)

// Redact returns err with quoted values and URL credentials withheld, for
// errors that may quote configuration values.
func Redact(err error) error {
	if err == nil {
		return nil
	}
	var terr *yaml.TypeError
	if errors.As(err, &terr) && err == error(terr) {
		out := &yaml.TypeError{Errors: make([]string, len(terr.Errors))}
		for i, e := range terr.Errors {
			out.Errors[i] = userinfoRE.ReplaceAllString(yamlValueRE.ReplaceAllString(e, "$1 (value withheld) into "), "://(credentials withheld)@")
		}
		return out
	}
	msg := err.Error()
	red := msg
	// url.Parse's reason can quote part of the password too ("invalid
	// port \":pa\"" for "http://u:pa/ss@host"): withhold all of it.
	if i := strings.Index(red, `parse "`); i >= 0 && strings.Contains(red[i:], "@") {
		red = red[:i] + "invalid URL (details withheld: it may contain credentials)"
	}
	red = userinfoRE.ReplaceAllString(yamlValueRE.ReplaceAllString(red, "$1 (value withheld) into "), "://(credentials withheld)@")
	if red == msg {
		return err
	}
	return redactedError(red)
}

// redactedError carries only the redacted text: unwrapping must not lead
// back to the original.
type redactedError string

func (e redactedError) Error() string { return string(e) }
