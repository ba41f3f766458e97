"""What F1 says about the keys inside an episode (docs/keyboard.md says it at length)."""

FORM_KEYS = """In an episode
Ctrl+PgDown      Next form (Profile, DT1, RA1…)
Ctrl+PgUp        Previous form
Enter            Next field that still needs an answer
Tab / Shift+Tab  Next / previous field, every one
Y or N           Answer a yes/no question and move on
Space            Tick or untick a choice in a list
Letters          Pick from a drop-down by its first letters

In a date or time field
n                Now (a date: today)
t, y             Today, yesterday (t 9: today at 09:00)
15:00, 1500      Today at that time
+5 10:00         Five working days on, at 10:00
170590           17/05/1990 (two-digit years of birth are in the past)"""
