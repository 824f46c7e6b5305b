"""Matching: from an intake to an explained shortlist of therapists who can see the person soon."""
