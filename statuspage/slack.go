package statuspage

import "errors"

func decodeSlack(docs [][]byte, o *DecodeOptions) (*Summary, error) {
	return nil, errors.New("slack: not yet")
}
