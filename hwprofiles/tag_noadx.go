//go:build noadx

package hwprofiles

func init() { buildTags = append(buildTags, "noadx") }
