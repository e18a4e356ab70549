"""Response types: the shapes an answer takes (single and multiple choice, matching, short text, numeric, essay;
and the description, shown but not answered).

One module per type owns its grading, its response and right answer in words, its per-answer
feedback and its export to GIFT and JSON; ``registry`` lists them, the way Moodle lists its
qtypes and CTFd its challenge types. Generated and imported questions are both questions of a
response type: imported ones simply have no generator. This package file stays empty so that
``base`` can be imported on its own (``imported`` and ``questions`` need its ``InvalidResponse``).
"""
