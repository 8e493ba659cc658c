package gen

import "math/rand/v2"

// maxExactFloat is 2^53: integers above it do not survive a float64, so a
// client decoding ids as float64 corrupts the ids the generator puts there.
const maxExactFloat = int64(1) << 53

// highShare is the per-mille of ids drawn above 2^53.
const highShare = 40

// idSeq hands out unique, increasing ids of one kind in two ranges: a
// realistic 12-14 digit range and a range above 2^53 where every id is odd
// (so none of them is exactly representable as a float64).
type idSeq struct {
	Low, High int64
}

// next returns a fresh id with a random gap, like ids of a shared database.
func (s *idSeq) next(r *rand.Rand) int64 {
	if r.IntN(1000) < highShare {
		s.High += 2 + 2*r.Int64N(8) // stays odd
		return s.High
	}
	s.Low += 1 + r.Int64N(37)
	return s.Low
}

// plain returns the next low id without randomness, for mutations.
func (s *idSeq) plain() int64 {
	s.Low++
	return s.Low
}

// idAllocators holds one sequence per entity kind; the bases keep kinds apart
// so an id is unique across the whole account.
type idAllocators struct {
	User, Org, Group, Field, Option, Ticket, Comment, Audit, Attachment idSeq
}

func newIDAllocators() idAllocators {
	seq := func(low int64, kind int64) idSeq {
		return idSeq{Low: low, High: maxExactFloat + 1 + kind*1_000_000_000}
	}
	return idAllocators{
		User:       seq(361_000_000_000, 1),
		Org:        seq(360_010_000_000, 2),
		Group:      seq(360_000_100_000, 3),
		Field:      seq(360_000_200_000, 4),
		Option:     seq(360_000_300_000, 5),
		Ticket:     seq(33_144_692_200_000, 6),
		Comment:    seq(34_000_000_000_000, 7),
		Audit:      seq(35_000_000_000_000, 8),
		Attachment: seq(36_000_000_000_000, 9),
	}
}
