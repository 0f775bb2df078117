package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReplay(t *testing.T) {
	tests := []struct {
		name string
		log  []outcome
		amb  []int
		mask int
		want []string
	}{
		{
			name: "in order",
			log:  []outcome{{"queued", applied}, {"sent", applied}, {"delivered", applied}},
			want: []string{"sent", "delivered"},
		},
		{
			name: "replays add nothing",
			log: []outcome{{"queued", applied}, {"sent", applied}, {"delivered", applied},
				{"queued", applied}, {"sent", applied}, {"delivered", applied}},
			want: []string{"sent", "delivered"},
		},
		{
			name: "a lost sent is stored by its replay if delivered was lost too",
			log: []outcome{{"queued", applied}, {"sent", skipped}, {"delivered", ambiguous},
				{"queued", applied}, {"sent", applied}},
			amb:  []int{2},
			mask: 0,
			want: []string{"sent"},
		},
		{
			name: "a replayed sent after a stored delivered is not",
			log: []outcome{{"queued", applied}, {"sent", skipped}, {"delivered", ambiguous},
				{"queued", applied}, {"sent", applied}},
			amb:  []int{2},
			mask: 1,
			want: []string{"delivered"},
		},
		{
			name: "nothing answered",
			log:  []outcome{{"queued", ambiguous}, {"sent", ambiguous}},
			amb:  []int{0, 1},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys(replay(tt.log, tt.amb, tt.mask))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("replay (-want +got):\n%s", diff)
			}
		})
	}
}
