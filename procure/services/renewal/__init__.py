"""The year-end renewal (优胜劣汰): what the policy decides for each contract
(:mod:`.plan`), applying it to a whole year in one run (:mod:`.run`, writing the rows of
:mod:`.writes`), and the renewal page with its confirmation (:mod:`.pages`)."""
