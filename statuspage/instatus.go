package statuspage

import "errors"

func decodeInstatus(docs [][]byte, o *DecodeOptions) (*Summary, error) {
	return nil, errors.New("instatus: not yet")
}
