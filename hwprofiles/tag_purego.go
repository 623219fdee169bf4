//go:build purego

package hwprofiles

func init() { buildTags = append(buildTags, "purego") }
