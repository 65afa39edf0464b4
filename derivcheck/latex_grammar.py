"""The lark grammar of derivcheck's LaTeX input (read by latex_in.py)."""
import re

from .vocabulary import FUNCTIONS

# the function commands (\tanh, \sec): the function table's plain commands (\sqrt has its own token),
# and those a mathematician writes that derivcheck reads elsewhere or refuses by name
FUNC_COMMANDS = sorted({cmd[1:] for f in FUNCTIONS for cmd in f.latex if re.fullmatch(r"\\[a-zA-Z]+", cmd)} - {"sqrt"}
                       | {"det", "max", "min", "lg", "csc", "cot"})

# Functions are items of a juxtaposition (`\log x`, `\sin^2 x`, `\exp(x)^2`) and the Leibniz
# fractions are ordinary \frac atoms: latex_in.py gives them their scope, where the reading of a
# whole product is known, and refuses what a mathematician could read two ways.
GRAMMAR = (r"""
?start: relation
?relation: expr
    | expr "=" expr              -> eq
    | expr NEQ expr              -> ne

?expr: term
    | expr "+" term              -> add
    | expr "-" term              -> sub
    | expr "+" DOTS              -> dots

?term: mterm
    | "-" term                   -> neg
    | "+" term

?mterm: chain
    | mterm MULOP chain          -> mul
    | mterm "/" chain            -> div
    | mterm ODOT chain           -> odot

?chain: item
    | chain item                 -> jux
    | bigsum
    | chain bigsum               -> jux

bigsum: SUM sumsub sumsup? term
sumsub: "_" LETTER               -> sum_index
    | "_" "{" LETTER "}"         -> sum_index
    | "_" "{" LETTER "=" expr "}" -> sum_from
    | "_" "{" LETTER "=" expr "," LETTER NEQ expr "}" -> sum_except
sumsup: "^" LETTER
    | "^" DIGITS
    | "^" "{" expr "}"

?item: postfix
    | postfix "^" sup            -> pow
    | postfix "^" sup "_" sub    -> pow_sub

sup: LETTER | DIGITS | GREEK | TEXTNAME | TOP | "{" expr "}" | "{" TOP "}"

?postfix: atom
    | atom "_" sub               -> subscript
    | atom PRIME                 -> prime

sub: LETTER                      -> sub_one
    | DIGITS                     -> sub_one
    | "{" expr ("," expr)* "}"   -> sub_list

?atom: LETTER                    -> letter
    | GREEK                      -> greek
    | TEXTNAME                   -> textname
    | HAT                        -> hat
    | DIGITS                     -> number
    | FUNC                       -> func
    | PARTIAL                    -> partial
    | "(" expr ")"               -> paren
    | LEFT "(" expr RIGHT ")"    -> paren
    | "[" expr "]"               -> paren
    | LEFT "[" expr RIGHT "]"    -> paren
    | LBRACE expr RBRACE         -> paren
    | LEFT LBRACE expr RIGHT RBRACE -> paren
    | "(" expr ("," expr)+ ")"   -> arglist
    | LEFT "(" expr ("," expr)+ RIGHT ")" -> arglist
    | "{" expr "}"               -> group
    | FRAC "{" expr "}" "{" expr "}"                       -> frac
    | FRACSHORT                                            -> frac_short
    | DELTA "_" sub                                        -> delta
    | INDICATOR "_" "{" LBRACE relation RBRACE "}"         -> indicator
    | INDICATOR "_" LBRACE relation RBRACE                 -> indicator
    | SQRT "{" expr "}"                                    -> sqrt
    | NABLA "_" sub                                        -> nabla
    | NORMOPEN expr NORMCLOSE                              -> norm
    | LEFT NORMOPEN expr RIGHT NORMCLOSE                   -> norm
    | ABSOPEN expr ABSCLOSE                                -> absval
    | LEFT ABSOPEN expr RIGHT ABSCLOSE                     -> absval

NEQ: "\\neq" | "\\ne" | "!="
DOTS: /\\(c|l)?dots(?![a-zA-Z])/ | "..."
MULOP: "\\cdot" | "\\times" | "*"
ODOT: "\\odot" | "\\circ"
SUM: "\\sum"
FRAC: "\\frac" | "\\dfrac" | "\\tfrac"
FRACSHORT.3: /\\[dt]?frac\s*[0-9A-Za-z]\s*[0-9A-Za-z]/
PARTIAL: "\\partial"
NABLA: "\\nabla"
FUNC: /\\(@FUNC@)(?![a-zA-Z])/
SQRT: "\\sqrt"
DELTA: "\\delta"
TOP.2: /\\(top|intercal|mathsf\s*\{\s*T\s*\})(?![a-zA-Z])/
INDICATOR: /\\mathbb\{(I|1)\}/ | /\\mathbf\{1\}/ | /\\mathbb\s+(I|1)/
NORMOPEN: "\\<" | /\\lVert(?![a-zA-Z])/
NORMCLOSE: "\\>" | /\\rVert(?![a-zA-Z])/
ABSOPEN: "⦃" | /\\lvert(?![a-zA-Z])/
ABSCLOSE: "⦄" | /\\rvert(?![a-zA-Z])/
PRIME: "'"
LEFT: "\\left"
RIGHT: "\\right"
LBRACE: "\\{"
RBRACE: "\\}"
GREEK.2: /\\(alpha|beta|gamma|Gamma|epsilon|varepsilon|zeta|eta|theta|Theta|iota|kappa|lambda|Lambda|mu|nu|xi|Xi|pi|Pi|rho|sigma|Sigma|tau|upsilon|phi|Phi|varphi|chi|psi|Psi|omega|Omega)(?![a-zA-Z])/
TEXTNAME: /\\(text|mathrm|operatorname|mathit|mathbf|boldsymbol|bm)\s*\{\s*[A-Za-z](\\_|[A-Za-z0-9_])*\s*\}/
HAT: /\\(hat|widehat|tilde|bar)\s*\{\s*(\\mathbf\s*\{\s*)?[A-Za-z]\s*\}?\s*\}/ | /\\(hat|tilde|bar)\s+[A-Za-z]/
LETTER: /[A-Za-z]/
DIGITS: /[0-9]+(\.[0-9]+)?/
SPACE: /\\[,;:! ]/ | /\\q?quad(?![a-zA-Z])/ | "~" | /\\(displaystyle|textstyle|limits|nolimits)(?![a-zA-Z])/
%import common.WS
%ignore WS
%ignore SPACE
""").replace("@FUNC@", "|".join(FUNC_COMMANDS))
