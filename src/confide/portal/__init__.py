"""The therapist's side: pages for keeping supply true and seeing appointments."""
