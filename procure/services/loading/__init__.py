"""Data brought in from files and generators: a fixture replayed through the
services (:mod:`.fixture`, :mod:`.replay`, its accounts in :mod:`.people`), YAML read with
exact numbers (:mod:`.yamlfile`), the Siming 2019 demo (:mod:`.demo`), and a provincial-size
year generated in bulk for benchmarks (:mod:`.generate`, :mod:`.generated_projects`)."""
