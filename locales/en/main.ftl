# Benteng — English (second locale)

## Common
skip-to-content = Skip to content
switch-language = Bahasa Indonesia
footer = Benteng · Desa Binaan Imigrasi — preventing trafficking from the village up
nav-label = Main menu
nav-home = Home
nav-desa-binaan = Desa Binaan
nav-regions = Regions
nav-offices = Offices
nav-agencies = Partner agencies
nav-users = Users
nav-audit = Audit log
nav-account = Account
logout = Sign out
save = Save
cancel = Cancel
edit = Edit
remove = Remove
search = Search
all = All
yes = Yes
no = No
since = since
none-yet = None yet.
no-results = No results.
back-home = Back to home
confirm-remove = Remove this?
pager-label = Pages
pager-prev = Previous
pager-next = Next
pager-status = Page { $page }
pager-total = { $n ->
    [one] { $n } record
   *[other] { $n } records
}
kantong-pmi = Migrant-sending village
scope-all = All of Indonesia
scope-nothing = No area yet (ask an admin)

## Months
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Roles and region levels
role-admin = Administrator
role-kanwil = Provincial immigration office
role-petugas = Immigration officer
role-mitra = Partner agency
role-desa = Village government
level-provinsi = Province
level-kabkota = Regency/City
level-kecamatan = District
level-desa = Village

## Sign in
login-title = Sign in
login-intro = Sign in with the account your immigration office's administrator gave you.
login-submit = Sign in
login-failed = Wrong username or password.
login-rate-limited = Too many sign-in attempts. Wait a minute and try again.

## Account
account-title = My account
account-scope = Working area
account-change-password = Change password
account-must-change = Someone else chose your password. Choose your own before you go on.

## Home
home-title = Home
home-intro-admin = Manage users, offices, partner agencies and desa binaan across Indonesia.
home-intro-kanwil = Monitor the desa binaan and immigration offices of your province.
home-intro-petugas = The desa binaan in your office's area: record visits and keep village profiles current.
home-intro-mitra = The desa binaan in your agency's area.
home-intro-desa = Your village's data in the Desa Binaan Imigrasi programme.
home-desa-binaan-total = Desa binaan
home-recent-visits = Latest visits
action-enrol = Enrol a desa binaan
action-view-registry = View the desa binaan registry
action-add-user = Add a user
action-view-offices = View offices
action-view-audit = View the audit log

## Regions
regions-title = Regions
regions-search = Search a region name or code
regions-all-provinces = All provinces

## Offices
offices-title = Immigration offices
offices-new = Add an office
offices-edit = Edit office
offices-area-current = Current working area
offices-area-history = Past and planned working areas
offices-area-assign = Assign a working area
offices-area-assign-help = A regency/city held by another office moves to this office from the chosen date; its history is kept.
offices-area-end = End from
flash-area-ended = Working area ended.
field-valid-to = Ends from
office-kind-kanim = Immigration office
office-kind-kanwil = Provincial office

## Agencies
agencies-title = Partner agencies
agencies-new = Add an agency
agencies-edit = Edit agency
agency-kind-disnaker = Labour office (Disnaker)
agency-kind-bp3mi = Migrant-worker protection (BP3MI / KP2MI)
agency-kind-dukcapil = Civil registry (Dukcapil)
agency-kind-polri = Police (Polri)
agency-kind-dinsos = Social affairs (Dinas Sosial)
agency-kind-p3a = Women and child protection (P3A)
agency-kind-pemda = Local government
agency-kind-lainnya = Other

## Desa binaan
desa-binaan-title = Desa Binaan
desa-binaan-new = Enrol a desa binaan
desa-binaan-edit = Edit desa binaan
desa-binaan-search = Search village, district or decree number
desa-binaan-find-village = Find a village (name or code)
desa-binaan-already = already enrolled
desa-binaan-officers = PIMPASA officers
desa-binaan-assign-officers = Assign PIMPASA officers
desa-binaan-contacts = Village contacts
desa-binaan-add-contact = Add a contact
desa-binaan-visits = Visits
status-persiapan = In preparation
status-aktif = Active
status-nonaktif = Inactive
visit-new = Record a visit

## Users
users-title = Users
users-new = Add a user
users-edit = Edit user

## Audit
audit-title = Audit log
audit-when = When
audit-action = Action
audit-entity = Record
audit-where = IP address
audit-from = From date
audit-to = To date
audit-sensitive = sensitive data
audit-sensitive-only = Only views of sensitive data

## Form fields
field-username = Username
field-password = Password
field-current-password = Current password
field-new-password = New password
field-new-password-again = New password again
field-new-password-optional = New password (leave empty to keep)
field-full-name = Full name
field-email = E-mail
field-role = Role
field-office = Immigration office
field-agency = Agency
field-home-region = Region code (province for Kanwil, village for village users)
field-pimpasa = PIMPASA officer (village mentor)
field-pemeriksa = Passport interviewer
field-active = Active
field-name = Name
field-code = Code
field-level = Level
field-office-kind = Office type
field-province-code = Province code
field-address = Address
field-phone = Phone number
field-kabkota-code = Regency/city code
field-valid-from = Valid from
field-note = Note
field-notes = Notes
field-agency-kind = Agency type
field-agency-region = Agency region code
field-village = Village
field-village-code = Village code
field-sk-number = Decree (SK) number
field-sk-date = Decree date
field-status = Status
field-population = Population
field-residents-abroad = Residents working abroad
field-kantong-pmi = Migrant-sending village (kantong PMI)
field-position = Position
field-visit-date = Visit date
field-findings = Findings
field-departures-seen = Departures known
field-returns-seen = Returns known
field-foreigners-staying = Foreigners staying
field-problems = Problems
field-follow-up = Follow-up

## Hints
hint-password = At least 10 characters. A short sentence you remember beats a short random word.
hint-username = 3–40 lower-case letters, digits, dots, dashes or underscores.
hint-office-for-petugas = Required for immigration officers.
hint-agency-for-mitra = Required for partner-agency users.
hint-home-region = For example 35 (Jawa Timur) or 35.07.04.2007 (Sitiarjo village).
hint-province-code = For example 35 for Jawa Timur.
hint-kabkota-code = For example 35.07 for Kabupaten Malang.
hint-valid-from = The previous holder stops on this date.
hint-agency-region = A regency/city code (e.g. 35.07), or a province code (e.g. 35) for provincial bodies.
hint-sk-number = Number of the decree that made the village a desa binaan.
hint-kantong-pmi = Many residents work abroad or want to.
hint-position = E.g. village head, village secretary, cadre.
hint-village-search = Search for the village above, or type its full code.

## Success messages
flash-saved = Saved.
flash-removed = Removed.
flash-enrolled = Desa binaan enrolled.
flash-user-created = User created. Hand over the password in person, never in a group chat.
flash-password-changed = Password changed.
flash-area-assigned = Working area assigned.
flash-visit-recorded = Visit recorded.

## Input errors
err-required = Required.
err-too-long = Too long.
err-bad-characters = Contains characters that are not allowed.
err-not-a-number = Must be a number.
err-out-of-range = Number outside the sensible range.
err-bad-date = Not a valid date (format YYYY-MM-DD).
err-date-future = The date cannot be in the future.
err-username = Usernames have 3–40 characters: lower-case letters, digits, dots, dashes or underscores.
err-username-taken = That username is taken.
err-password-short = Passwords need at least 10 characters.
err-password-weak = That password is too weak.
err-password-wrong = The current password is wrong.
err-password-mismatch = The two new passwords differ.
err-email = Not a valid e-mail address.
err-phone = Not a valid phone number. Example: 0812 3456 7890.
err-role = Choose a role.
err-region-code = Not a valid region code. Example: 35.07.04.2007.
err-region-unknown = That region code is not in the Kemendagri list.
err-region-need-province = Must be a province code (e.g. 35).
err-region-need-kabkota = Must be a regency/city code (e.g. 35.07).
err-region-need-desa = Must be a village code (e.g. 35.07.04.2007).
err-region-out-of-scope = This village is outside your working area.
err-not-found = Not found.
err-name-taken = That name is already used.
err-office-area = This village is not in the chosen office's working area.
err-office-not-own = Officers can only enrol villages for their own office.
err-desa-already-enrolled = This village is already a desa binaan.
err-abroad-exceeds-population = Cannot exceed the population.
err-area-later-exists = This region already has an assignment on or after that date.
err-end-before-start = The end date must come after the start date.
err-area-already-ended = This area already ends on or before that date.
err-officer-not-pimpasa = Only PIMPASA officers of this village's office can be assigned.
err-self-demote = You cannot remove your own admin role or deactivate yourself.

## Error pages
error-not-found = Page or record not found.
error-forbidden = You are not allowed to open this page or record.
error-unauthorized = Please sign in first (the API token is missing or expired).
error-bad-request = The request could not be processed. Check what you entered.
error-bad-json = The request body is not valid JSON for this address.
error-invalid = Some fields need correcting.
error-conflict = This conflicts with existing data.
error-csrf = The form session expired or is not valid. Reload the page and try again.
error-rate-limited = Too many requests. Wait a moment and try again.
error-method = This method is not supported at this address.
error-too-large = The data sent is too large.
error-internal = Something went wrong on our side. It has been logged; please try again.
