/**
 * Locale tables: the texts WhatsApp itself writes into exports (media placeholders, deleted
 * messages, missed calls, system events), for en, ru, de, nl, fr, es, it, pt, tr, ar, pl, uk.
 *
 * Honesty about sources. Marked ✔ = seen in the real samples under shared/fixtures/real/whatsapp
 * (en Android + iOS, ru Android, nl Android, de iOS, ar iOS) or quoted in formats.md §2. Everything
 * else was written from knowledge of WhatsApp's translations and is UNVERIFIED: a missing or wrong
 * entry costs little, because the structure of a line decides most things on its own — a line
 * without `author: ` is always a system event, whatever its language; an unknown placeholder stays
 * a text message — and an unknown system line is still kept, as a generic event.
 */
import type { AttachmentKind } from '../../../../shared/model/index.js';

// ---------------------------------------------------------------------------------------------
// Whole-body special texts (after direction marks are stripped), looked up in one Map.
// ---------------------------------------------------------------------------------------------

export type Special =
  | { type: 'deleted' }
  | { type: 'call' }
  | { type: 'omitted'; kind: AttachmentKind }
  | { type: 'view-once' };

const DELETED: readonly string[] = [
  // en ✔ (Android without period, iOS with)
  'This message was deleted', 'You deleted this message',
  // ru ✔ (Данное…/Вы удалили данное…) + formats.md
  'Данное сообщение удалено', 'Вы удалили данное сообщение', 'Это сообщение удалено', 'Вы удалили это сообщение',
  // de ✔ (iOS, with period)
  'Diese Nachricht wurde gelöscht', 'Du hast diese Nachricht gelöscht',
  // nl ✔
  'Dit bericht is verwijderd', 'U hebt dit bericht verwijderd', 'Je hebt dit bericht verwijderd',
  // ar ✔ (iOS, with period)
  'تم حذف هذه الرسالة', 'أنت حذفت هذه الرسالة', 'لقد حذفت هذه الرسالة',
  // unverified
  'Ce message a été supprimé', 'Vous avez supprimé ce message', // fr
  'Se eliminó este mensaje', 'Eliminaste este mensaje', 'Este mensaje fue eliminado', // es
  'Questo messaggio è stato eliminato', 'Hai eliminato questo messaggio', // it
  'Esta mensagem foi apagada', 'Mensagem apagada', 'Você apagou esta mensagem', 'Apagou esta mensagem', 'Apagaste esta mensagem', // pt
  'Bu mesaj silindi', 'Bu mesajı sildiniz', 'Bu mesajı sildin', // tr
  'Ta wiadomość została usunięta', 'Usunięto tę wiadomość', 'Usunąłeś tę wiadomość', 'Usunęłaś tę wiadomość', // pl
  'Це повідомлення видалено', 'Ви видалили це повідомлення', // uk
];

const CALLS: readonly string[] = [
  'Missed voice call', 'Missed video call', 'Missed group voice call', 'Missed group video call', // en ✔ (voice)
  'Пропущенный аудиозвонок', 'Пропущенный видеозвонок', 'Пропущенный голосовой звонок', // ru ✔ (аудиозвонок)
  'Gemiste spraakoproep', 'Gemiste video-oproep', 'Gemiste videooproep', // nl ✔ (spraakoproep)
  // unverified
  'Verpasster Sprachanruf', 'Verpasster Videoanruf', // de
  'Appel vocal manqué', 'Appel vidéo manqué', // fr
  'Llamada perdida', 'Llamada de voz perdida', 'Videollamada perdida', // es
  'Chiamata vocale persa', 'Videochiamata persa', // it
  'Chamada de voz perdida', 'Chamada de vídeo perdida', // pt
  'Cevapsız sesli arama', 'Cevapsız görüntülü arama', // tr
  'مكالمة صوتية فائتة', 'مكالمة فيديو فائتة', // ar
  'Nieodebrane połączenie głosowe', 'Nieodebrane połączenie wideo', // pl
  'Пропущений голосовий дзвінок', 'Пропущений аудіодзвінок', 'Пропущений відеодзвінок', // uk
];

/** Android "exported without media" placeholders. */
const ANDROID_OMITTED: readonly string[] = [
  '<Media omitted>', // en ✔
  '<Без медиафайлов>', // ru ✔
  '<Media weggelaten>', // nl ✔
  '<Medien ausgeschlossen>', // de (formats.md)
  // unverified
  '<Médias omis>', '<Multimedia omitido>', '<Archivo omitido>', '<Media omessi>', '<Mídia oculta>', '<Arquivo de mídia oculto>',
  '<Multimédia omitido>', '<Medya dahil edilmedi>', '<Medya atlandı>', '<Pominięto multimedia>', '<Без медіафайлів>',
  '<تم استبعاد الوسائط>', '<الوسائط محذوفة>',
];

/** iOS "exported without media" placeholders (the kind is known). */
const IOS_OMITTED: readonly (readonly [string, AttachmentKind])[] = [
  // en ✔ (image; the others from formats.md)
  ['image omitted', 'photo'], ['video omitted', 'video'], ['audio omitted', 'audio'], ['sticker omitted', 'sticker'],
  ['GIF omitted', 'animation'], ['Contact card omitted', 'contact'], ['document omitted', 'file'],
  // de ✔
  ['Bild weggelassen', 'photo'], ['Video weggelassen', 'video'], ['Audio weggelassen', 'audio'], ['Sticker weggelassen', 'sticker'],
  ['GIF weggelassen', 'animation'], ['Kontaktkarte ausgelassen', 'contact'], ['Dokument weggelassen', 'file'],
  // ar ✔
  ['لم يتم إدراج الصورة', 'photo'], ['لم يتم إدراج الفيديوهات', 'video'], ['لم يتم إدراج الفيديو', 'video'],
  ['لم يتم إدراج المقاطع الصوتية', 'audio'], ['لم يتم إدراج بطاقة جهة اتصال', 'contact'], ['تم حذف الملصقات', 'sticker'],
  ['لم يتم إدراج المستند', 'file'], ['لم يتم إدراج صورة GIF', 'animation'],
  // ru (изображение отсутствует: formats.md; the rest unverified)
  ['изображение отсутствует', 'photo'], ['видео отсутствует', 'video'], ['аудиофайл отсутствует', 'audio'],
  ['стикер отсутствует', 'sticker'], ['GIF отсутствует', 'animation'], ['карточка контакта отсутствует', 'contact'],
  ['документ отсутствует', 'file'],
  // unverified
  ['afbeelding weggelaten', 'photo'], ['video weggelaten', 'video'], ['audio weggelaten', 'audio'], ['sticker weggelaten', 'sticker'],
  ['GIF weggelaten', 'animation'], ['contactkaart weggelaten', 'contact'], ['document weggelaten', 'file'], // nl
  ['image absente', 'photo'], ['vidéo absente', 'video'], ['audio omis', 'audio'], ['sticker omis', 'sticker'],
  ['GIF retiré', 'animation'], ['fiche contact omise', 'contact'], ['document omis', 'file'], // fr
  ['imagen omitida', 'photo'], ['video omitido', 'video'], ['audio omitido', 'audio'], ['sticker omitido', 'sticker'],
  ['GIF omitido', 'animation'], ['tarjeta de contacto omitida', 'contact'], ['documento omitido', 'file'], // es
  ['immagine omessa', 'photo'], ['video omesso', 'video'], ['audio omesso', 'audio'], ['sticker omesso', 'sticker'],
  ['GIF omessa', 'animation'], ['scheda contatto omessa', 'contact'], ['documento omesso', 'file'], // it
  ['imagem ocultada', 'photo'], ['vídeo omitido', 'video'], ['áudio ocultado', 'audio'], ['figurinha omitida', 'sticker'],
  ['cartão do contato omitido', 'contact'], // pt
  ['görüntü dahil edilmedi', 'photo'], ['video dahil edilmedi', 'video'], ['ses dahil edilmedi', 'audio'],
  ['çıkartma dahil edilmedi', 'sticker'], ['GIF dahil edilmedi', 'animation'], ['kişi kartı dahil edilmedi', 'contact'],
  ['belge dahil edilmedi', 'file'], // tr
  ['pominięto obraz', 'photo'], ['pominięto wideo', 'video'], ['pominięto audio', 'audio'], ['pominięto naklejkę', 'sticker'],
  ['pominięto GIF', 'animation'], ['pominięto wizytówkę', 'contact'], ['pominięto dokument', 'file'], // pl
  ['зображення пропущено', 'photo'], ['відео пропущено', 'video'], ['аудіо пропущено', 'audio'], ['наліпку пропущено', 'sticker'],
  ['GIF пропущено', 'animation'], ['картку контакту пропущено', 'contact'], ['документ пропущено', 'file'], // uk
];

const SPECIAL = new Map<string, Special>();
const DELETED_S: Special = { type: 'deleted' };
const CALL_S: Special = { type: 'call' };
for (const t of DELETED) {
  SPECIAL.set(t, DELETED_S);
  SPECIAL.set(`${t}.`, DELETED_S);
}
for (const t of CALLS) SPECIAL.set(t, CALL_S);
for (const t of ANDROID_OMITTED) SPECIAL.set(t, { type: 'omitted', kind: 'other' });
for (const [t, kind] of IOS_OMITTED) SPECIAL.set(t, { type: 'omitted', kind });
// View-once media: the body is literally `null` (✔ en/ru/nl Android).
SPECIAL.set('null', { type: 'view-once' });

/** Longest key, so longer bodies skip the lookup. */
const SPECIAL_MAX_LEN = Math.max(...[...SPECIAL.keys()].map((k) => k.length));

const SPECIAL_FIRST = new Set([...SPECIAL.keys()].map((k) => k.charCodeAt(0)));

/** Exact special body (already stripped of direction marks and trimmed), or undefined. */
export function specialBody(text: string): Special | undefined {
  return text.length <= SPECIAL_MAX_LEN && SPECIAL_FIRST.has(text.charCodeAt(0)) ? SPECIAL.get(text) : undefined;
}

/** iOS placeholders (`document omitted`, …) by their last two characters, for the suffix check. */
const OMITTED_BY_END = new Map<number, (readonly [string, AttachmentKind])[]>();
const endKey = (s: string) => s.charCodeAt(s.length - 2) * 0x10000 + s.charCodeAt(s.length - 1);
for (const entry of IOS_OMITTED) {
  const k = endKey(entry[0]);
  const list = OMITTED_BY_END.get(k);
  if (list) list.push(entry);
  else OMITTED_BY_END.set(k, [entry]);
}

/** iOS placeholders a text could end with, judged by its last two characters. */
export function omittedEndingLike(text: string): readonly (readonly [string, AttachmentKind])[] | undefined {
  return text.length < 2 ? undefined : OMITTED_BY_END.get(endKey(text));
}

// ---------------------------------------------------------------------------------------------
// Attached media.
// ---------------------------------------------------------------------------------------------

/** Android `NAME (file attached)`: the words in the parentheses. */
export const ANDROID_ATTACHED = new Set([
  'file attached', // en ✔
  'файл добавлен', // ru ✔
  'bestand bijgevoegd', // nl ✔
  'Datei angehängt', // de (formats.md)
  // unverified
  'fichier joint', 'archivo adjunto', 'file allegato', 'arquivo anexado', 'ficheiro anexado', 'dosya ekli', 'załączono plik',
  'файл додано', 'الملف مرفق', 'ملف مرفق',
]);

/** iOS `<attached: NAME>`: the word before the colon. */
export const IOS_ATTACHED = new Set([
  'attached', // en ✔
  'angehängt', // de (formats.md)
  // unverified
  'pièce jointe', 'adjunto', 'allegato', 'anexado', 'anexo', 'bijgevoegd', 'прикреплено', 'вложение', 'ek', 'załącznik',
  'вкладення', 'مرفق',
]);

/** Names WhatsApp gives media: Android `IMG-20210610-WA0031.jpg`, iOS `00000035-PHOTO-2022-03-27-21-41-55.jpg`. */
export const WA_MEDIA_NAME = /^(?:(?:IMG|VID|AUD|PTT|STK|DOC|GIF)-\d{8}-WA\d+|\d{8}-[^<>]+)\.[A-Za-z0-9]{1,5}$/;

/** Attachment kind from a WhatsApp media file name. */
export function kindOfName(name: string): AttachmentKind {
  const dot = name.lastIndexOf('.');
  const ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (ext === 'vcf') return 'contact';
  const prefix = /^(?:\d{8}-)?([A-Z]+)-/.exec(name)?.[1];
  switch (prefix) {
    case 'IMG':
    case 'PHOTO':
      return 'photo';
    case 'VID':
    case 'VIDEO':
      return 'video';
    case 'GIF':
      return 'animation';
    case 'PTT':
      return 'voice';
    case 'AUD':
    case 'AUDIO':
      return ext === 'opus' ? 'voice' : 'audio';
    case 'STK':
    case 'STICKER':
      return 'sticker';
    case 'DOC':
      return 'file';
    default:
      break;
  }
  switch (ext) {
    case 'opus':
      return 'voice';
    case 'webp':
      return 'sticker';
    case 'jpg':
    case 'jpeg':
    case 'png':
    case 'heic':
      return 'photo';
    case 'mp4':
    case 'mov':
    case '3gp':
      return 'video';
    case 'mp3':
    case 'm4a':
    case 'aac':
    case 'ogg':
    case 'wav':
    case 'amr':
      return 'audio';
    default:
      return 'file';
  }
}

const MIME: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', heic: 'image/heic', webp: 'image/webp', gif: 'image/gif',
  mp4: 'video/mp4', mov: 'video/quicktime', '3gp': 'video/3gpp', opus: 'audio/ogg', ogg: 'audio/ogg', mp3: 'audio/mpeg',
  m4a: 'audio/mp4', aac: 'audio/aac', wav: 'audio/wav', amr: 'audio/amr', vcf: 'text/vcard', pdf: 'application/pdf',
  txt: 'text/plain', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export function mimeOfName(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? MIME[name.slice(dot + 1).toLowerCase()] : undefined;
}

// ---------------------------------------------------------------------------------------------
// System events.
// ---------------------------------------------------------------------------------------------

export interface SystemRule {
  action: string;
  re: RegExp;
  /** Only these phrases are trusted when they appear after `name: ` without a direction mark. */
  strong?: boolean;
}

const Q = '["“”„«»\'‘’]'; // quotes around group names, any language
const rules: SystemRule[] = [];
function add(action: string, strong: boolean, ...res: RegExp[]): void {
  for (const re of res) rules.push({ action, re, ...(strong ? { strong } : {}) });
}
const r = (src: string) => new RegExp(`^${src}`, 'u');

// Encryption notices. ✔ en, ru, de, nl, ar; others unverified.
add(
  'encryption_notice',
  true,
  r('Messages and calls are end-to-end encrypted'),
  r('Messages to this (?:group|chat) are now secured with end-to-end encryption'),
  r('Messages you send to this (?:group|chat) and calls are now secured'),
  r('Сообщения и звонки защищены сквозным шифрованием'),
  r('Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt'),
  r('Berichten en oproepen worden end-to-end versleuteld'),
  r('الرسائل والمكالمات مشفرة تمامًا بين الطرفين'),
  r('Les messages et les appels sont chiffrés de bout en bout'),
  r('Los mensajes y las llamadas están cifrados de extremo a extremo'),
  r('I messaggi e le chiamate sono crittografati end-to-end'),
  r('As mensagens e (?:as )?chamadas são protegidas com a criptografia de ponta a ponta'),
  r('Mesajlar ve aramalar uçtan uca şifrelidir'),
  r('Wiadomości i połączenia są (?:szyfrowane|chronione)'),
  r('Повідомлення та дзвінки захищені наскрізним шифруванням'),
);
// Security code / phone number changes. ✔ en (iOS); others unverified.
add(
  'security_code_changed',
  true,
  r('Your security code with .+ changed'),
  r('Ваш код безопасности для .+ изменился'),
  r('Deine Sicherheitsnummer für .+ hat sich geändert'),
  r('Je beveiligingscode met .+ is gewijzigd'),
  r('Votre code de sécurité avec .+ a changé'),
  r('Tu código de seguridad con .+ cambió'),
  r('Il tuo codice di sicurezza con .+ è cambiato'),
  r('(?:O s|S)eu código de segurança com .+ mudou'),
  r('.+ ile güvenlik kodunuz değişti'),
  r('تغير رمز الأمان الخاص بك مع'),
  r('Twój kod zabezpieczenia (?:z|dla) .+ zmienił się'),
  r('Ваш код безпеки (?:з|для) .+ змінився'),
);
add(
  'number_changed',
  true,
  r('.+ changed their phone number to a new number'),
  r('.+ changed (?:their phone number|to \\+[\\d ()-]+)$'),
  r('.+ (?:сменил|изменил)\\S* номер'),
  r('.+ hat (?:seine |ihre )?(?:Telefonnummer|Nummer) (?:zu einer neuen Nummer )?geändert'),
  r('.+ hat zu \\+[\\d ()-]+ gewechselt'),
  r('.+ heeft (?:zijn |haar )?telefoonnummer gewijzigd'),
  r('.+ a changé de numéro'),
  r('.+ cambió su número'),
  r('.+ ha cambiato (?:il suo )?numero'),
  r('.+ (?:mudou|alterou) (?:seu|o seu|o) número'),
  r('.+ telefon numarasını değiştirdi'),
  r('.+ zmienił\\S* numer'),
  r('.+ змінив\\S* номер'),
);
// Group lifecycle. ✔ en (created group, added, removed, changed the subject from…to, changed this
// group's icon); ru `~ Alex добавлен(-а)` from formats.md; the rest unverified.
add(
  'create_group',
  false,
  r(`.+? created group ${Q}.*${Q}$`),
  r('.+? created this group$'),
  r(`.+? создал\\S* группу ${Q}.*${Q}$`),
  r(`.+? ha(?:t|st) die Gruppe ${Q}.*${Q} erstellt$`),
  r(`.+? (?:heeft|hebt) (?:de )?groep ${Q}.*${Q} aangemaakt$`),
  r(`.+? (?:a|avez) créé le groupe ${Q}.*${Q}$`),
  r(`(?:.+? creó|Creaste) el grupo ${Q}.*${Q}$`),
  r(`(?:.+? ha|Hai) creato il gruppo ${Q}.*${Q}$`),
  r(`.+? criou o grupo ${Q}.*${Q}$`),
  r(`.+? ${Q}.*${Q} grubunu oluşturdu$`),
  r('أنشأ .+ (?:ال)?مجموعة'),
  r(`.+? utworzył\\S* grupę ${Q}.*${Q}$`),
  r(`.+? створи\\S* групу ${Q}.*${Q}$`),
);
add(
  'edit_group_title',
  false,
  r(`.+? changed the (?:subject|group name) (?:from ${Q}.*${Q} )?to ${Q}.*${Q}$`),
  r(`.+? изменил\\S* (?:тему|название группы) (?:с ${Q}.*${Q} )?на ${Q}.*${Q}$`),
  r(`.+? ha(?:t|st) den (?:Betreff|Gruppennamen) (?:von ${Q}.*${Q} )?(?:zu|in) ${Q}.*${Q} geändert$`),
  r(`.+? (?:heeft|hebt) (?:het onderwerp|de groepsnaam) gewijzigd (?:van ${Q}.*${Q} )?(?:naar|in) ${Q}.*${Q}$`),
  r(`.+? (?:a|avez) (?:changé|modifié) le (?:sujet|nom du groupe) (?:de ${Q}.*${Q} )?(?:en|à|pour) ${Q}.*${Q}$`),
  r(`.+? (?:cambió|cambiaste) el (?:asunto|nombre del grupo) (?:de ${Q}.*${Q} )?a ${Q}.*${Q}$`),
  r(`.+? ha (?:cambiato|modificato) (?:l'oggetto|il nome del gruppo) (?:da ${Q}.*${Q} )?(?:a|in) ${Q}.*${Q}$`),
  r(`.+? (?:mudou|alterou) o (?:assunto|nome do grupo) (?:de ${Q}.*${Q} )?para ${Q}.*${Q}$`),
  r(`.+? (?:konuyu|grup konusunu|grup adını) .*${Q}.*${Q} olarak değiştirdi$`),
  r('غي?ّ?ر .+ (?:الموضوع|اسم المجموعة)'),
  r(`.+? zmienił\\S* (?:temat|nazwę grupy) (?:z ${Q}.*${Q} )?na ${Q}.*${Q}$`),
  r(`.+? змінив\\S* (?:тему|назву групи) (?:з ${Q}.*${Q} )?на ${Q}.*${Q}$`),
);
add(
  'edit_group_photo',
  false,
  r(".+? changed (?:this group's|the group) icon$"),
  r('.+? изменил\\S* (?:изображение|фото) (?:этой )?группы$'),
  r('.+? ha(?:t|st) das (?:Gruppenbild|Gruppensymbol|Gruppen-Symbol) geändert$'),
  r('.+? (?:heeft|hebt) (?:het groepspictogram|de groepsafbeelding) gewijzigd$'),
  r("(?:.+? a|Vous avez) changé l'icône (?:de ce|du) groupe$"),
  r('.+? cambió (?:el ícono|la imagen|la foto) (?:de este|del) grupo$'),
  r("(?:.+? ha|Hai) cambiato l'immagine (?:di questo|del) gruppo$"),
  r('.+? (?:mudou|alterou) (?:a imagem|o ícone) (?:deste|do) grupo$'),
  r('.+? bu grubun (?:simgesini|resmini) değiştirdi$'),
  r('غي?ّ?ر .+ صورة (?:هذه )?المجموعة'),
  r('.+? zmienił\\S* (?:ikonę|zdjęcie) (?:tej )?grupy$'),
  r('.+? змінив\\S* (?:зображення|фото) (?:цієї )?групи$'),
);
add(
  'delete_group_photo',
  false,
  r(".+? deleted (?:this group's|the group) icon$"),
  r('.+? удалил\\S* (?:изображение|фото) (?:этой )?группы$'),
  r('.+? ha(?:t|st) das (?:Gruppenbild|Gruppensymbol) gelöscht$'),
);
add(
  'edit_group_description',
  false,
  r('.+? changed the group description$'),
  r('.+? изменил\\S* описание группы$'),
  r('.+? ha(?:t|st) die Gruppenbeschreibung geändert$'),
  r('.+? (?:heeft|hebt) de groepsbeschrijving gewijzigd$'),
  r('.+? a modifié la description du groupe$'),
  r('.+? cambió la descripción del grupo$'),
  r('.+? ha modificato la descrizione del gruppo$'),
  r('.+? (?:mudou|alterou) a descrição do grupo$'),
  r('.+? grup açıklamasını değiştirdi$'),
  r('.+? zmienił\\S* opis grupy$'),
  r('.+? змінив\\S* опис групи$'),
);
add(
  'join_group_by_link',
  false,
  r("(?:.+? )?joined using (?:this group's|an) invite link$"),
  r('.+? присоединил\\S* к группе'),
  r('.+? ist der Gruppe (?:über|mit) (?:den )?Einladungslink beigetreten$'),
  r('.+? neemt (?:nu )?deel via de uitnodigingslink'),
  r('.+? a rejoint (?:ce|le) groupe'),
  r('.+? se unió (?:al grupo )?(?:usando|con|mediante) el enlace'),
  r("(?:.+? )?si è unit[oa] tramite (?:il )?link"),
  r('.+? entrou (?:no grupo )?(?:usando|usou|pelo) (?:o )?link'),
  r('.+? (?:bu grubun )?davet bağlantısını kullanarak katıldı'),
  r('.+? dołączył\\S* (?:za pomocą|przez) link'),
  r('.+? приєднал?\\S* (?:до групи )?за посиланням'),
);
add(
  'leave_group',
  false,
  r('.+? left$'),
  r('.+? (?:вышел|вышла|покинул)\\S*(?: из группы| группу)?$'),
  r('.+? ha(?:t|st) die Gruppe verlassen$'),
  r('.+? (?:heeft|hebt) de groep verlaten$'),
  r('.+? is vertrokken$'),
  r('.+? est parti(?:e|\\(e\\))?$'),
  r('.+? a quitté le groupe$'),
  r('(?:.+? salió|Saliste) del grupo$'),
  r('.+? è uscit[oa]$'),
  r('.+? saiu(?: do grupo)?$'),
  r('.+? (?:gruptan )?ayrıldı$'),
  r('غادر .+'),
  r('.+? (?:opuścił\\S* grupę|wyszedł|wyszła)$'),
  r('.+? вийш\\S*$'),
);
add(
  'remove_members',
  false,
  r('.+? removed .+'),
  r('.+? удалил\\S* .+'),
  r('.+? ha(?:t|st) .+ entfernt$'),
  r('.+? (?:heeft|hebt) .+ verwijderd$'),
  r('.+? (?:a|avez) retiré .+'),
  r('(?:.+? eliminó|Eliminaste) a .+'),
  r('(?:.+? ha|Hai) rimosso .+'),
  r('.+? removeu .+'),
  r('.+? kişisini çıkardı$'),
  r('أزال .+'),
  r('.+? usun\\S* .+'),
  r('.+? видали\\S* .+'),
);
add(
  'invite_members',
  false,
  r('.+? added .+'),
  r('.+? добавил\\S* .+'),
  r('.+? добавлен\\S*$'),
  r('.+? ha(?:t|st) .+ hinzugefügt$'),
  r('.+? (?:heeft|hebt) .+ toegevoegd$'),
  r('.+? (?:a|avez) ajouté .+'),
  r('(?:.+? (?:añadió|agregó)|Añadiste|Agregaste) a .+'),
  r('(?:.+? ha|Hai) aggiunto .+'),
  r('.+? adicionou .+'),
  r('.+? (?:kişisini|adlı kişiyi) ekledi$'),
  r('أضاف .+'),
  r('.+? dodał\\S* .+'),
  r('.+? дода\\S* .+'),
);
add(
  'admin',
  false,
  r("You're now an admin$"),
  r('Теперь вы администратор'),
  r('Du bist jetzt Admin'),
);
add(
  'disappearing_messages',
  false,
  r('.+? turned (?:on|off) disappearing messages'),
  r('.+? (?:включил|отключил|выключил)\\S* исчезающие сообщения'),
  r('.+? ha(?:t|st) selbstlöschende Nachrichten'),
);
add('blocked', false, r('You (?:un)?blocked this contact'));

const SYSTEM_RULES: readonly SystemRule[] = rules;

/** The action of a system text, or null when no rule knows it. `strongOnly` limits to strong rules. */
export function systemAction(text: string, strongOnly = false): string | null {
  for (const rule of SYSTEM_RULES) {
    if (strongOnly && !rule.strong) continue;
    if (rule.re.test(text)) return rule.action;
  }
  return null;
}

/** Calls can carry a suffix (`Missed voice call, tap to call back`): prefix match on short bodies. */
const CALLS_BY_FIRST = new Map<number, string[]>();
for (const c of CALLS) {
  const k = c.charCodeAt(0);
  const list = CALLS_BY_FIRST.get(k);
  if (list) list.push(c);
  else CALLS_BY_FIRST.set(k, [c]);
}

export function isCallText(text: string): boolean {
  if (text.length > 80) return false;
  const list = CALLS_BY_FIRST.get(text.charCodeAt(0));
  if (!list) return false;
  for (const c of list) if (text.startsWith(c)) return true;
  return false;
}

/** Quote characters: a `name: ` that contains one is a quoted group subject cut in two, not an author. */
export const QUOTE_CHARS = /["“”„«»]/;
