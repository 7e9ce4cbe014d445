"""What the public sees and may do without signing in: the notices of each purchaser
and year (:mod:`.notices`), and objections (质疑) to an award notice with their answers
(:mod:`.objections`, recorded by :mod:`.notice_effects`)."""
