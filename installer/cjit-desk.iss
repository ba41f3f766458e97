; Inno Setup 6 script: a per-machine installer for CJIT Desk, made from the PyInstaller folder
; (dist\cjit-desk, `installer.spec`). Built by .github/workflows/windows.yml:
;
;   ISCC.exe /DAppVersion=0.1.0 installer\cjit-desk.iss                        (unsigned)
;   ISCC.exe /DSign "/Scjitsign=signtool.exe sign /fd sha256 /tr <timestamp URL> /td sha256
;            /f partnership.pfx /p <password> $f" /DAppVersion=0.1.0 installer\cjit-desk.iss
;
; NOT RUN YET: nothing of Windows can run where this was written (README).
;
; Silent deployment (docs/deployment.md, "Installing with the Windows installer"):
;
;   cjit-desk-setup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LOG=C:\Windows\Temp\cjit.log
;       [/CONFIG=\\deploy\cjit\config.toml]   machine-wide config file, copied to
;                                             C:\ProgramData\CJIT\cjit-desk\config.toml
;       [/DATAGROUP="FORCE\CJIT Workers"]     creates C:\ProgramData\CJIT\data, usable only by
;                                             SYSTEM, Administrators and that group
;
; then `"C:\Program Files\CJIT Desk\cjit-desk-cli.exe" --self-check` (exit code 0 = sound).
; Uninstalling removes the program only: the data folder and the config file stay.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
; One AppId for every version: a new installer upgrades the installed one in place.
AppId={{6E1B7C1E-3C59-4D55-9B8E-2B0C5C1D7A11}
AppName=CJIT Desk
AppVersion={#AppVersion}
AppPublisher=CJIT partnership
DefaultDirName={autopf}\CJIT Desk
DisableDirPage=yes
DisableProgramGroupPage=yes
DefaultGroupName=CJIT Desk
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SourceDir=..
OutputDir=installer\Output
OutputBaseFilename=cjit-desk-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
CloseApplications=yes
RestartApplications=no
UninstallDisplayIcon={app}\cjit-desk.exe
SetupLogging=yes
#ifdef Sign
SignTool=cjitsign
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "dist\cjit-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; The machine-wide config file, when /CONFIG= names one (an external file on the deploy share).
Source: "{param:CONFIG}"; DestDir: "{commonappdata}\CJIT\cjit-desk"; DestName: "config.toml"; \
  Flags: external ignoreversion uninsneveruninstall; Check: ConfigGiven

[Dirs]
Name: "{commonappdata}\CJIT\cjit-desk"; Flags: uninsneveruninstall
Name: "{commonappdata}\CJIT\data"; Flags: uninsneveruninstall; Check: DataGroupGiven

[Icons]
Name: "{autoprograms}\CJIT Desk"; Filename: "{app}\cjit-desk.exe"

[Run]
; Only the CJIT workers' group (and SYSTEM, Administrators) may use the data folder.
Filename: "{sys}\icacls.exe"; \
  Parameters: """{commonappdata}\CJIT\data"" /inheritance:r /grant:r ""SYSTEM:(OI)(CI)F"" ""Administrators:(OI)(CI)F"" ""{param:DATAGROUP}:(OI)(CI)M"""; \
  Flags: runhidden waituntilterminated; Check: DataGroupGiven; StatusMsg: "Restricting the data folder…"

[Code]
function ConfigGiven(): Boolean;
begin
  Result := ExpandConstant('{param:CONFIG|}') <> '';
end;

function DataGroupGiven(): Boolean;
begin
  Result := ExpandConstant('{param:DATAGROUP|}') <> '';
end;

function InitializeSetup(): Boolean;
begin
  Result := True;
  if ConfigGiven() and not FileExists(ExpandConstant('{param:CONFIG|}')) then
  begin
    SuppressibleMsgBox('The config file given with /CONFIG= does not exist: ' +
      ExpandConstant('{param:CONFIG|}'), mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;
