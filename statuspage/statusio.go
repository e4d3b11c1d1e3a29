package statuspage

import "errors"

func decodeStatusio(docs [][]byte, o *DecodeOptions) (*Summary, error) {
	return nil, errors.New("statusio: not yet")
}
