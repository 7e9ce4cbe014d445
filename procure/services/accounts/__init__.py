"""Who a person is and what they may do: sign-in, sessions and the sign-in lock
(:mod:`.signin`), accounts and grants as an administrator changes them (:mod:`.manage`), the
one rule of who may act (:mod:`.authorization`), and the administration pages
(:mod:`.administration`)."""
