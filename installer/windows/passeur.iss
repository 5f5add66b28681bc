; Inno Setup 6 script of the Passeur installer for Windows (per-user, no administrator rights).
; NOT BUILT NOR TESTED in this repository's CI: see installer/windows/README.md for the recipe.
;
; Input: the PyInstaller bundle built on Windows from installer/passeur.spec (installer\dist\passeur\,
; holding passeur.exe, passeur-app.exe and _internal\ with the embedded model).
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\windows\passeur.iss
; Output: installer\dist\passeur-<version>-windows-x64-setup.exe

#define AppName "Passeur"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\dist\passeur"
#endif

[Setup]
; Keep this AppId for every version: it is how an upgrade finds the installed program.
AppId={{B6855F0F-B838-4130-988F-56858B31FC33}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Passeur
; Per-user install: {autopf} is %LOCALAPPDATA%\Programs when running without elevation.
PrivilegesRequired=lowest
DefaultDirName={autopf}\Passeur
DisableProgramGroupPage=yes
DisableDirPage=auto
OutputDir=..\dist
OutputBaseFilename=passeur-{#AppVersion}-windows-x64-setup
SetupIconFile=passeur.ico
UninstallDisplayIcon={app}\passeur-app.exe
UninstallDisplayName={#AppName}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; The 1.1 GB model does not compress: fast LZMA2 for the rest, no solid block.
Compression=lzma2/fast
SolidCompression=no
WizardStyle=modern
CloseApplications=yes
ShowLanguageDialog=auto

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole program folder: no stale library of the previous version survives.
; The data folder (%LOCALAPPDATA%\passeur) is elsewhere and never touched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Excludes: "\_internal\models\*"; \
    Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#BundleDir}\_internal\models\*"; DestDir: "{app}\_internal\models"; Flags: ignoreversion nocompression

[Icons]
Name: "{autoprograms}\Passeur"; Filename: "{app}\passeur-app.exe"; WorkingDir: "{userdocs}"
Name: "{autoprograms}\Passeur (invite de commandes)"; Filename: "{cmd}"; \
    Parameters: "/k ""{app}\passeur.exe"" --help"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\Passeur"; Filename: "{app}\passeur-app.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
; Check the embedded model once (SHA-256 of 1.1 GB) so that the first start does not pay for it.
Filename: "{app}\passeur.exe"; Parameters: "model status"; StatusMsg: "Vérification du modèle de langue embarqué..."; \
    Flags: runhidden waituntilterminated
Filename: "{app}\passeur-app.exe"; Description: "{cm:LaunchProgram,Passeur}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; The only file the program writes in its own folder: the model's verification stamp.
Type: files; Name: "{app}\_internal\models\*.verified"

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(ExpandConstant(
      'Passeur a été désinstallé.' + #13#10#13#10 +
      'Vos données sont conservées (index, journal d''audit, conversations, réglages), par défaut dans :' +
      #13#10 + '{localappdata}\passeur' + #13#10#13#10 +
      'Supprimez ce dossier pour les effacer définitivement, selon les règles de conservation ' +
      'de votre collectivité.'), mbInformation, MB_OK);
end;
